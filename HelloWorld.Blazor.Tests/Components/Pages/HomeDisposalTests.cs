using Bunit;
using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Components.Call;
using HelloWorld.Blazor.Components.Pages;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Security;
using Microsoft.JSInterop;
using Microsoft.JSInterop.Infrastructure;
using Moq;

namespace HelloWorld.Blazor.Tests.Components.Pages;

/// <summary>
/// The tab closes (the component is disposed) while the page is still joining: at each step of the join, an answer that
/// arrives after disposal must be let go of, and nothing may go on to the next step.
/// </summary>
public sealed class HomeDisposalTests : CallPageContext
{
    [Fact]
    public async Task DisposedWhileTheModuleImports_DisposesTheLateModule_AndKeepsNoParticipant()
    {
        var sdk = new MockedSdk(this);
        var importing = new TaskCompletionSource<IJSObjectReference>();
        sdk.Runtime.Setup(js => js.InvokeAsync<IJSObjectReference>("import", It.IsAny<object?[]?>())).Returns(new ValueTask<IJSObjectReference>(importing.Task));
        var page = Render<Home>();
        page.Find(".status-joining");

        await DisposeComponentsAsync();
        await page.InvokeAsync(() => importing.SetResult(sdk.Module.Object));

        sdk.Module.Verify(m => m.DisposeAsync(), Times.Once);
        sdk.Module.Verify(m => m.InvokeAsync<IJSObjectReference>("createClient", It.IsAny<object?[]?>()), Times.Never);
        Participants.Verify(p => p.LeaveAsync(Me.Id, It.IsAny<CancellationToken>()), Times.Once); // made while the SDK loaded, and not kept
        AssertNoUnhandledException();
    }

    [Fact]
    public async Task DisposedWhileTheModuleImports_ThenTheImportFails_NothingBreaks_AndNoParticipantIsKept()
    {
        var sdk = new MockedSdk(this);
        var importing = new TaskCompletionSource<IJSObjectReference>();
        sdk.Runtime.Setup(js => js.InvokeAsync<IJSObjectReference>("import", It.IsAny<object?[]?>())).Returns(new ValueTask<IJSObjectReference>(importing.Task));
        var page = Render<Home>();

        await DisposeComponentsAsync();
        await page.InvokeAsync(() => importing.SetException(new JSException("Failed to fetch dynamically imported module")));

        Participants.Verify(p => p.LeaveAsync(Me.Id, It.IsAny<CancellationToken>()), Times.Once); // made while the SDK loaded, and not kept
        AssertNoUnhandledException();
    }

    [Fact]
    public async Task DisposedWhileTheSdkClientIsCreated_DisposesTheLateClient_AndKeepsNoParticipant()
    {
        var sdk = new MockedSdk(this);
        var creating = new TaskCompletionSource<IJSObjectReference>();
        sdk.Module.Setup(m => m.InvokeAsync<IJSObjectReference>("createClient", It.IsAny<object?[]?>())).Returns(new ValueTask<IJSObjectReference>(creating.Task));
        var page = Render<Home>();

        await DisposeComponentsAsync();
        await page.InvokeAsync(() => creating.SetResult(sdk.Client.Object));

        sdk.Client.Verify(c => c.DisposeAsync(), Times.Once);
        sdk.Module.Verify(m => m.DisposeAsync(), Times.Once);
        Participants.Verify(p => p.LeaveAsync(Me.Id, It.IsAny<CancellationToken>()), Times.Once); // made while the SDK loaded, and not kept
        sdk.Module.Verify(m => m.InvokeAsync<IJSVoidResult>("connect", It.IsAny<object?[]?>()), Times.Never);
        AssertNoUnhandledException();
    }

    [Fact]
    public async Task DisposedWhileBandwidthCreatesTheParticipant_DeletesItWhenItArrives_AndNeverConnects()
    {
        var joined = new TaskCompletionSource<JoinedParticipant>();
        Participants.Setup(p => p.JoinAsync(ParticipantKind.Browser, It.IsAny<ClientAddress>(), It.IsAny<CancellationToken>())).Returns(joined.Task);
        var page = Render<Home>();
        page.Find(".status-joining");

        await DisposeComponentsAsync();
        Participants.Verify(p => p.LeaveAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
        await page.InvokeAsync(() => joined.SetResult(Me));

        Participants.Verify(p => p.LeaveAsync(Me.Id, It.IsAny<CancellationToken>()), Times.Once);
        Assert.Empty(Module.Invocations["connect"]);
        Module.VerifyInvoke("disconnect"); // the client made before the join is let go of by disposal itself
        AssertNoUnhandledException();
    }

    [Fact]
    public async Task DisposedWhileTheSdkConnects_DisconnectsAndDeletesTheParticipantOnce_AndNeverPublishes()
    {
        var sdk = new MockedSdk(this);
        var connecting = sdk.Pending<IJSVoidResult>("connect");
        var page = Render<Home>();
        page.Find(".status-connecting");

        await DisposeComponentsAsync();
        await page.InvokeAsync(() => connecting.SetResult(Mock.Of<IJSVoidResult>()));

        Assert.Equal(1, sdk.Calls("disconnect"));
        Participants.Verify(p => p.LeaveAsync(Me.Id, It.IsAny<CancellationToken>()), Times.Once);
        Assert.Equal(0, sdk.Calls("publish"));
        AssertNoUnhandledException();
    }

    [Fact]
    public async Task DisposedWhileTheSdkConnects_ThenTheConnectFails_NothingBreaks()
    {
        var sdk = new MockedSdk(this);
        var connecting = sdk.Pending<IJSVoidResult>("connect");
        var page = Render<Home>();

        await DisposeComponentsAsync();
        // The module's connect rejects once disconnect has stopped it: the answer comes to a page that has left.
        await page.InvokeAsync(() => connecting.SetException(new JSException("Bandwidth's WebRTC service did not answer in time.")));

        Participants.Verify(p => p.LeaveAsync(Me.Id, It.IsAny<CancellationToken>()), Times.Once);
        Assert.Equal(1, sdk.Calls("disconnect"));
        AssertNoUnhandledException();
    }

    [Fact]
    public async Task DisposedWhilePublishing_StopsWaiting_AndTouchesTheMicrophoneNoMore()
    {
        var sdk = new MockedSdk(this);
        var publishing = new TaskCompletionSource<PublishResult>();
        var waitEnded = CancellationToken.None;
        sdk.Module.Setup(m => m.InvokeAsync<PublishResult>("publish", It.IsAny<CancellationToken>(), It.IsAny<object?[]?>()))
            .Returns((string _, CancellationToken token, object?[]? _) =>
            {
                waitEnded = token;
                return new ValueTask<PublishResult>(publishing.Task);
            });
        var page = Render<Home>();
        page.Find(".status-publishing");

        await DisposeComponentsAsync();
        await page.InvokeAsync(() => publishing.SetResult(new PublishResult(null, null)));

        Assert.True(waitEnded.IsCancellationRequested, "disposal ends the wait for the microphone prompt");
        Assert.Equal(0, sdk.Calls("listMicrophones"));
        Assert.Equal(0, sdk.Calls("setMicEnabled"));
        Participants.Verify(p => p.LeaveAsync(Me.Id, It.IsAny<CancellationToken>()), Times.Once);
        AssertNoUnhandledException();
    }

    [Fact]
    public async Task Dispose_WhenTheSdkThrowsOnDisconnect_StillDeletesTheParticipant()
    {
        Module.SetupVoid("disconnect", _ => true).SetException(new JSException("Cannot read properties of undefined (reading 'close')"));
        Render<Home>();

        await DisposeComponentsAsync();

        Participants.Verify(p => p.LeaveAsync(Me.Id, It.IsAny<CancellationToken>()), Times.Once);
        AssertNoUnhandledException();
    }

    [Fact]
    public async Task Dispose_WhenTheBrowserDoesNotAnswerTheDisconnect_StillDeletesTheParticipant()
    {
        Module.SetupVoid("disconnect", _ => true).SetCanceled(); // what an interop timeout looks like
        Render<Home>();

        await DisposeComponentsAsync();

        Participants.Verify(p => p.LeaveAsync(Me.Id, It.IsAny<CancellationToken>()), Times.Once);
        AssertNoUnhandledException();
    }

    [Theory]
    [InlineData("timeout")]
    [InlineData("js error")]
    public async Task Dispose_WhenTheClientAndModuleCannotBeDisposed_ThrowsNothing_AndStillDeletesTheParticipant(string failure)
    {
        var sdk = new MockedSdk(this);
        sdk.Client.Setup(c => c.DisposeAsync()).Throws(Failure(failure));
        sdk.Module.Setup(m => m.DisposeAsync()).Throws(Failure(failure));
        Render<Home>();

        await DisposeComponentsAsync();

        sdk.Client.Verify(c => c.DisposeAsync(), Times.Once);
        sdk.Module.Verify(m => m.DisposeAsync(), Times.Once);
        Participants.Verify(p => p.LeaveAsync(Me.Id, It.IsAny<CancellationToken>()), Times.Once);
        AssertNoUnhandledException();
    }

    [Fact]
    public void ConnectFailure_WhenTheClientCannotBeDisposed_StillDeletesTheParticipant_AndRetryJoinsAgain()
    {
        var sdk = new MockedSdk(this);
        // A timeout: a cancelled task, which the renderer ignores, so a teardown that threw it would only stop half way.
        sdk.Client.Setup(c => c.DisposeAsync()).Throws(Failure("timeout"));
        sdk.Module.SetupSequence(m => m.InvokeAsync<IJSVoidResult>("connect", It.IsAny<object?[]?>()))
            .ThrowsAsync(new JSException("Bandwidth's WebRTC service did not answer in time."))
            .ReturnsAsync(Mock.Of<IJSVoidResult>());
        var page = Render<Home>();
        Participants.Verify(p => p.LeaveAsync(Me.Id, It.IsAny<CancellationToken>()), Times.Once);

        page.Find(".status-connect-failed button").Click();

        Assert.Equal(1, sdk.Calls("publish"));
        Participants.Verify(p => p.LeaveAsync(Me.Id, It.IsAny<CancellationToken>()), Times.Once);
        AssertNoUnhandledException();
    }

    [Fact]
    public void Retry_WhenTheOldClientCannotBeDisposed_StillJoins()
    {
        var sdk = new MockedSdk(this);
        sdk.Client.Setup(c => c.DisposeAsync()).Throws(Failure("js error"));
        Participants.SetupSequence(p => p.JoinAsync(ParticipantKind.Browser, It.IsAny<ClientAddress>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new BandwidthUnavailableException("createParticipant", "timeout"))
            .ReturnsAsync(Me);
        var page = Render<Home>();

        page.Find(".status-bandwidth-unavailable button").Click();

        Assert.Equal(1, sdk.Calls("disconnect")); // the first attempt's client, let go of before the second
        Assert.Equal(1, sdk.Calls("publish"));
        AssertNoUnhandledException();
    }

    private static Exception Failure(string failure) =>
        failure == "timeout" ? new TaskCanceledException() : new JSException("Object with ID 3 does not exist");

    private void AssertNoUnhandledException() =>
        Assert.False(Renderer.UnhandledException.IsCompleted, Renderer.UnhandledException.IsCompleted ? Renderer.UnhandledException.Result.ToString() : "");
}

using System.Net;
using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Components.Call;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.JSInterop;
using Moq;

namespace HelloWorld.Blazor.Tests.Components.Call;

/// <summary>Joining, leaving and trying again, with a scripted SDK, Bandwidth as a mock, and no renderer.</summary>
public sealed class BrowserCallTests
{
    private static readonly JoinedParticipant Me = new("p-me", "device-token-of-me", ParticipantKind.Browser, "s-1");
    private const string DeviceUrl = "ws://localhost/emulator/device";

    private readonly FakeSdk _sdk = new();
    private readonly Mock<IParticipantService> _participants = new();
    private readonly List<CallPageStatus> _rendered = [];
    private readonly BrowserCall _call;

    public BrowserCallTests()
    {
        _participants.Setup(p => p.JoinAsync(ParticipantKind.Browser, It.IsAny<ClientAddress>(), It.IsAny<CancellationToken>())).ReturnsAsync(Me);
        _call = new BrowserCall(_sdk, _participants.Object, ClientAddress.Unknown, DeviceUrl, NullLogger<BrowserCall>.Instance,
            () => _rendered.Add(_call!.State.Status));
    }

    [Fact]
    public async Task Join_StartsTheSdk_JoinsBandwidth_Connects_AndPublishesAudioOnly_ShowingEachStep()
    {
        await _call.JoinAsync();

        Assert.Equal(["start", "connect", "publish", "listMicrophones", "listSpeakers"], _sdk.Calls);
        Assert.Equal([CallPageStatus.Joining, CallPageStatus.Connecting, CallPageStatus.Publishing, CallPageStatus.Connected], _rendered.Distinct());
        Assert.Equal((Me.Token, DeviceUrl), Assert.Single(_sdk.Connections));
        Assert.Equal(new PublishConstraints(true, false), Assert.Single(_sdk.Publications));
        Assert.Equal("mic-1", _call.MicrophoneId);
        Assert.Equal(_sdk.Microphones, _call.Microphones);
    }

    /// <summary>
    /// Connect and publish are asked of the browser before the state that shows them is rendered: the browser works on each
    /// while the server renders (the in-call panels, when publishing starts), instead of after the render batch.
    /// </summary>
    [Fact]
    public async Task Join_AsksTheBrowserToConnectAndToPublish_BeforeRenderingThatStep()
    {
        var renderedWhenAsked = new List<CallPageStatus>();
        _sdk.Connect = () =>
        {
            renderedWhenAsked.Add(_rendered[^1]);
            return Task.CompletedTask;
        };
        _sdk.Publish = _ =>
        {
            renderedWhenAsked.Add(_rendered[^1]);
            return Task.FromResult(new PublishResult(null, null));
        };

        await _call.JoinAsync();

        Assert.Equal([CallPageStatus.Joining, CallPageStatus.Connecting], renderedWhenAsked);
        Assert.Equal([CallPageStatus.Joining, CallPageStatus.Connecting, CallPageStatus.Publishing, CallPageStatus.Connected], _rendered.Distinct());
    }

    [Fact]
    public async Task Join_WhenTheSdkCannotStart_SaysWhy_AndDeletesTheParticipantMadeMeanwhile()
    {
        _sdk.Start = () => throw new JSException("RTCPeerConnection is not defined\n    at createClient");

        await _call.JoinAsync();

        Assert.Equal(new CallPageState(CallPageStatus.SdkUnavailable, "RTCPeerConnection is not defined"), _call.State);
        _participants.Verify(p => p.LeaveAsync(Me.Id, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Join_WhenBandwidthDoesNotAnswer_SaysSo_AndNeverConnects()
    {
        _participants.Setup(p => p.JoinAsync(ParticipantKind.Browser, It.IsAny<ClientAddress>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new BandwidthUnavailableException("createParticipant", "timeout"));

        await _call.JoinAsync();

        Assert.Equal(new CallPageState(CallPageStatus.BandwidthUnavailable, "Bandwidth createParticipant got no answer: timeout"), _call.State);
        Assert.Equal(["start", "release"], _sdk.Calls); // the SDK started meanwhile, and is let go of
    }

    [Fact]
    public async Task Join_WhenTheSdkCannotConnect_ReleasesTheClient_AndDeletesTheParticipant()
    {
        _sdk.Connect = () => throw new JSException("Bandwidth's WebRTC service did not answer in time.");

        await _call.JoinAsync();

        Assert.Equal(CallPageStatus.ConnectFailed, _call.State.Status);
        Assert.Equal(["start", "connect", "release"], _sdk.Calls);
        _participants.Verify(p => p.LeaveAsync(Me.Id, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Retry_AfterBandwidthRefused_LetsGoOfTheClient_AndJoinsFromTheStart()
    {
        _participants.SetupSequence(p => p.JoinAsync(ParticipantKind.Browser, It.IsAny<ClientAddress>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new BandwidthApiException(HttpStatusCode.Unauthorized, "createParticipant", "Unauthorized"))
            .ReturnsAsync(Me);
        await _call.JoinAsync();
        Assert.Equal(CallPageStatus.BandwidthUnavailable, _call.State.Status);

        await _call.RetryAsync();

        Assert.Equal(CallPageStatus.Connected, _call.State.Status);
        Assert.Equal(["start", "release", "start", "connect", "publish", "listMicrophones", "listSpeakers"], _sdk.Calls);
    }

    [Fact]
    public async Task Join_AsksBandwidthForTheParticipant_WhileTheSdkStillLoads()
    {
        var starting = new TaskCompletionSource<bool>();
        _sdk.Start = () => starting.Task;

        var joining = _call.JoinAsync();

        _participants.Verify(p => p.JoinAsync(ParticipantKind.Browser, ClientAddress.Unknown, It.IsAny<CancellationToken>()), Times.Once);
        Assert.Empty(_sdk.Connections);
        starting.SetResult(true);
        await joining;
        Assert.Equal(CallPageStatus.Connected, _call.State.Status);
    }

    [Fact]
    public async Task TabClosedWhileTheSdkStarts_KeepsNoParticipant()
    {
        var starting = new TaskCompletionSource<bool>();
        _sdk.Start = () => starting.Task;
        var joining = _call.JoinAsync();

        await _call.DisposeAsync();
        starting.SetResult(false); // what the SDK answers once disposed: it has let go of the late module or client itself
        await joining;

        Assert.Equal(["start", "dispose"], _sdk.Calls);
        _participants.Verify(p => p.LeaveAsync(Me.Id, It.IsAny<CancellationToken>()), Times.Once); // made while the SDK started
    }

    [Fact]
    public async Task TabClosedWhileBandwidthCreatesTheParticipant_DeletesItOnArrival_AndNeverConnects()
    {
        var joined = new TaskCompletionSource<JoinedParticipant>();
        _participants.Setup(p => p.JoinAsync(ParticipantKind.Browser, It.IsAny<ClientAddress>(), It.IsAny<CancellationToken>())).Returns(joined.Task);
        var joining = _call.JoinAsync();

        await _call.DisposeAsync();
        _participants.Verify(p => p.LeaveAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
        joined.SetResult(Me);
        await joining;

        _participants.Verify(p => p.LeaveAsync(Me.Id, It.IsAny<CancellationToken>()), Times.Once);
        Assert.Equal(["start", "dispose"], _sdk.Calls);
    }

    [Fact]
    public async Task TabClosedWhileConnecting_DeletesTheParticipantOnce_AndNeverPublishes()
    {
        var connecting = new TaskCompletionSource();
        _sdk.Connect = () => connecting.Task;
        var joining = _call.JoinAsync();

        await _call.DisposeAsync();
        connecting.SetException(new JSException("Bandwidth's WebRTC service did not answer in time.")); // stopped by disposal
        await joining;

        _participants.Verify(p => p.LeaveAsync(Me.Id, It.IsAny<CancellationToken>()), Times.Once);
        Assert.Equal(["start", "connect", "dispose"], _sdk.Calls);
        Assert.Equal(CallPageStatus.Connecting, _call.State.Status);
    }

    [Fact]
    public async Task TabClosedDuringTheMicrophonePrompt_EndsTheWait_AndTouchesTheMicrophoneNoMore()
    {
        var prompt = CancellationToken.None;
        _sdk.Publish = async token =>
        {
            prompt = token;
            await Task.Delay(Timeout.Infinite, token);
            return new PublishResult(null, null);
        };
        var joining = _call.JoinAsync();

        await _call.DisposeAsync();
        await joining;

        Assert.True(prompt.IsCancellationRequested);
        Assert.Equal(["start", "connect", "publish", "dispose"], _sdk.Calls);
        _participants.Verify(p => p.LeaveAsync(Me.Id, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Dispose_DeletesTheParticipant_EvenWhenTheSdkTeardownFails()
    {
        await _call.JoinAsync();
        _sdk.Dispose = () => throw new InvalidOperationException("a bug in the teardown");

        await Assert.ThrowsAsync<InvalidOperationException>(() => _call.DisposeAsync().AsTask());

        _participants.Verify(p => p.LeaveAsync(Me.Id, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Mute_WhenTheSdkFails_TellsThePerson_AndStaysUnmuted()
    {
        await _call.JoinAsync();
        _sdk.SetMicrophone = () => throw new JSException("sender is stopped\n    at setMicEnabled");

        await _call.ToggleMuteAsync();

        Assert.False(_call.IsMuted);
        Assert.Equal(new CallProblem("Your microphone could not be muted.", "sender is stopped"), _call.ProblemAt(ProblemPlace.Microphone));
        Assert.Equal(CallPageStatus.Connected, _call.State.Status);
    }

    [Fact]
    public async Task MicrophoneSwitch_WhileMuted_RepublishesTheChosenDevice_AndKeepsItMuted()
    {
        await _call.JoinAsync();
        await _call.ToggleMuteAsync();
        _sdk.Calls.Clear();

        await _call.SwitchMicrophoneAsync("mic-2");

        Assert.Equal(["unpublish", "publish", "setMicEnabled", "listMicrophones", "listSpeakers"], _sdk.Calls);
        Assert.Equal("""{"deviceId":{"exact":"mic-2"}}""", System.Text.Json.JsonSerializer.Serialize(_sdk.Publications[^1].Audio));
        Assert.Equal([false, false], _sdk.MicrophoneEnabled);
        Assert.True(_call.IsMuted);
        Assert.Equal(CallPageStatus.Connected, _call.State.Status);
    }
}

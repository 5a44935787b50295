using Bunit;
using HelloWorld.Blazor.Components.Call;
using HelloWorld.Blazor.Components.Pages;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Security;
using Microsoft.AspNetCore.Components;
using Microsoft.JSInterop;
using Moq;

namespace HelloWorld.Blazor.Tests.Components.Pages;

public sealed class HomeTests : CallPageContext
{
    [Fact]
    public void FirstRender_JoinsAsABrowserParticipant_Once()
    {
        var page = Render<Home>();
        page.Render();

        Participants.Verify(p => p.JoinAsync(ParticipantKind.Browser, It.IsAny<ClientAddress>(), It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public void Prerender_NeitherJoinsNorLoadsTheSdk()
    {
        RenderedAs = new RendererInfo("Static", isInteractive: false);

        var page = Render<Home>();
        page.Render();

        Participants.Verify(p => p.JoinAsync(It.IsAny<ParticipantKind>(), It.IsAny<ClientAddress>(), It.IsAny<CancellationToken>()), Times.Never);
        Assert.Empty(JSInterop.Invocations);
        Assert.NotNull(page.Find(".status-joining"));
    }

    [Fact]
    public void Sdk_ConnectsWithTheParticipantsToken()
    {
        Render<Home>();

        var connect = Module.VerifyInvoke("connect");
        Assert.Equal(Me.Token, connect.Arguments[1]);
        Assert.Null(connect.Arguments[2]);
    }

    [Fact]
    public void Sdk_InEmulatorMode_ConnectsToTheEmulatorsDeviceEndpoint()
    {
        Environment.Setup(e => e.DeviceWebSocketUrl(It.IsAny<Uri>())).Returns(new Uri("ws://localhost/emulator/device"));

        Render<Home>();

        Assert.Equal("ws://localhost/emulator/device", Module.VerifyInvoke("connect").Arguments[2]);
    }

    [Fact]
    public void Sdk_PublishesAudioOnly()
    {
        Render<Home>();

        var constraints = Assert.IsType<PublishConstraints>(Module.VerifyInvoke("publish").Arguments[1]);
        Assert.Equal(true, constraints.Audio);
        Assert.False(constraints.Video);
    }

    [Fact]
    public void WhileBandwidthCreatesTheParticipant_ThePageSaysItIsJoining()
    {
        Participants.Setup(p => p.JoinAsync(ParticipantKind.Browser, It.IsAny<ClientAddress>(), It.IsAny<CancellationToken>()))
            .Returns(new TaskCompletionSource<JoinedParticipant>().Task); // never answers

        var page = Render<Home>();

        Assert.Equal("Joining the call…", page.Find(".status-joining").TextContent);
        Assert.Empty(Module.Invocations["connect"]);
        Assert.Empty(page.FindAll(".mute-toggle"));
    }

    [Fact]
    public void WhileTheSdkConnects_ThePageSaysSo()
    {
        Module.SetupVoid("connect", _ => true); // never answers

        var page = Render<Home>();

        page.Find(".status-connecting");
        Assert.Empty(Module.Invocations["publish"]);
    }

    [Fact]
    public void Connected_WithNoStreams_ShowsTheSeedsTexts()
    {
        var page = Render<Home>();

        Assert.Equal("Dial +19195550100 to chat with this browser", page.Find(".dial-hint").TextContent);
        Assert.Contains("or click to call +19195550123", page.Find(".call-hint").TextContent);
        Assert.Empty(page.FindAll(".connected"));
        Assert.Empty(page.FindAll("audio"));
    }

    [Fact]
    public void WithoutAPhoneNumber_TheDialTextIsLeftOut()
    {
        Settings.PhoneNumber = null;

        var page = Render<Home>();

        Assert.DoesNotContain("Dial", page.Find(".dial-hint").TextContent);
    }

    [Fact]
    public async Task StreamAvailable_AddsALabelledAudioElement_AndSaysHooray()
    {
        Participants.Setup(p => p.Find("p-other")).Returns(new ParticipantInfo("p-other", ParticipantKind.Browser, DateTimeOffset.UtcNow));
        var page = Render<Home>();

        await page.InvokeAsync(() => SdkCallbacks.OnStreamAvailable(OtherBrowser));

        Assert.Equal("Hooray! You're connected!", page.Find(".connected").TextContent);
        var stream = page.Find("[data-endpoint-id='stream-b']");
        Assert.Equal("Browser", stream.QuerySelector("figcaption")!.TextContent);
        Assert.NotNull(stream.QuerySelector("audio"));
        Assert.Equal("stream-b", Module.VerifyInvoke("attachStream").Arguments[2]);
        Assert.Empty(page.FindAll(".dial-hint"));
    }

    [Fact]
    public async Task TwoStreams_GetTwoAudioElements_AndAPhoneThisTabDidNotCallIsLabelledWithItsMaskedNumber()
    {
        Calls.Register("c-1", CallDirection.Inbound, "+19195550124", "+19195550100", "p-phone");
        var page = Render<Home>();

        await page.InvokeAsync(() => SdkCallbacks.OnStreamAvailable(OtherBrowser));
        await page.InvokeAsync(() => SdkCallbacks.OnStreamAvailable(new RemoteStream("stream-p", "p-phone", null, ["AUDIO"])));

        Assert.Equal(2, page.FindAll("audio").Count);
        Assert.Equal("Phone +1•••••0124", page.Find("[data-endpoint-id='stream-p'] figcaption").TextContent);
    }

    [Fact]
    public async Task StreamAnnouncedAgain_AttachesItsAudioElementAgain()
    {
        var page = Render<Home>();
        await page.InvokeAsync(() => SdkCallbacks.OnStreamAvailable(OtherBrowser));
        await page.InvokeAsync(() => SdkCallbacks.OnAudioLevel("high")); // a render that brings no new stream
        Module.VerifyInvoke("attachStream", calledTimes: 1);

        // The SDK announces the endpoint again (a new MediaStream in the browser); .NET sees the same metadata.
        await page.InvokeAsync(() => SdkCallbacks.OnStreamAvailable(OtherBrowser with { }));

        var attached = Module.VerifyInvoke("attachStream", calledTimes: 2);
        Assert.All(attached, invocation => Assert.Equal("stream-b", invocation.Arguments[2]));
        Assert.Equal(((ElementReference)attached[0].Arguments[1]!).Id, ((ElementReference)attached[1].Arguments[1]!).Id);
        Assert.Single(page.FindAll("audio"));
    }

    [Fact]
    public async Task StreamUnavailable_RemovesItsAudioElement()
    {
        var page = Render<Home>();
        await page.InvokeAsync(() => SdkCallbacks.OnStreamAvailable(OtherBrowser));

        await page.InvokeAsync(() => SdkCallbacks.OnStreamUnavailable("stream-b"));

        Assert.Empty(page.FindAll("audio"));
        Assert.Empty(page.FindAll(".connected"));
    }

    [Fact]
    public void MuteToggle_DisablesThenEnablesTheMicrophone()
    {
        var page = Render<Home>();

        page.Find(".mute-toggle").Click();
        Assert.Equal("Unmute", page.Find(".mute-toggle").TextContent.Trim());
        Assert.Equal("true", page.Find(".mute-toggle").GetAttribute("aria-pressed"));
        page.Find(".mute-toggle").Click();
        Assert.Equal("false", page.Find(".mute-toggle").GetAttribute("aria-pressed"));

        var calls = Module.VerifyInvoke("setMicEnabled", calledTimes: 2);
        Assert.Equal([false, true], calls.Select(c => c.Arguments[1]));
        Assert.Equal("Mute", page.Find(".mute-toggle").TextContent.Trim());
    }

    [Fact]
    public void MicrophonePicker_SwitchesByRepublishingWithTheChosenDevice()
    {
        var page = Render<Home>();

        page.Find(".microphone-picker").Change("mic-2");

        Module.VerifyInvoke("unpublish");
        var republished = Module.VerifyInvoke("publish", calledTimes: 2)[1];
        Assert.Equal("""{"audio":{"deviceId":{"exact":"mic-2"}},"video":false}""",
            System.Text.Json.JsonSerializer.Serialize(republished.Arguments[1], new System.Text.Json.JsonSerializerOptions(System.Text.Json.JsonSerializerDefaults.Web)));
    }

    [Fact]
    public async Task AudioLevelEvents_MoveTheMeter()
    {
        var page = Render<Home>();

        await page.InvokeAsync(() => SdkCallbacks.OnAudioLevel("high"));

        Assert.Equal("high", page.Find(".microphone-level").GetAttribute("data-level"));
        Assert.Equal("Your microphone: sound", System.Text.RegularExpressions.Regex.Replace(page.Find(".microphone-level").TextContent, @"\s+", " ").Trim());
    }


    [Fact]
    public async Task Dispose_DisconnectsTheSdkAndDeletesTheParticipant()
    {
        Render<Home>();

        await DisposeComponentsAsync();

        Module.VerifyInvoke("disconnect");
        Participants.Verify(p => p.LeaveAsync(Me.Id, It.IsAny<CancellationToken>()), Times.Once);
    }

    [Fact]
    public async Task Dispose_WhenTheCircuitIsGone_StillDeletesTheParticipant()
    {
        Module.SetupVoid("disconnect", _ => true).SetException(new JSDisconnectedException("circuit gone"));
        Render<Home>();

        await DisposeComponentsAsync();

        Participants.Verify(p => p.LeaveAsync(Me.Id, It.IsAny<CancellationToken>()), Times.Once);
    }
}

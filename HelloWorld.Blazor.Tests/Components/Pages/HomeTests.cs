using System.Net;
using Bunit;
using HelloWorld.Blazor.Bandwidth;
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
    private static readonly RemoteStream OtherBrowser = new("stream-b", "p-other", "microphone", ["AUDIO"]);
    private static readonly RemoteStream PhoneStream = new("stream-p", "p-phone", null, ["AUDIO"]);

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

    [Theory]
    [InlineData("microphone-denied", ".status-microphone-denied", "did not allow your microphone")]
    [InlineData("microphone-missing", ".status-microphone-missing", "No microphone was found")]
    [InlineData("microphone-busy", ".status-microphone-busy", "Another application is using your microphone")]
    [InlineData("failed", ".status-microphone-failed", "could not be started")]
    public void MicrophoneProblems_AreExplainedInTheAudioPanel_AndThePageStillListens(string error, string selector, string text)
    {
        var publish = Module.Setup<PublishResult>("publish", _ => true);
        var page = Render<Home>();

        publish.SetResult(new PublishResult(error, "getUserMedia failed"));
        page.WaitForElement(selector);

        Assert.Contains(text, page.Find($".me {selector}").TextContent);
        Assert.True(page.Find(".mute-toggle").HasAttribute("disabled"));
        page.Find(".dial-hint");
        Participants.Verify(p => p.LeaveAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public void ConnectFailure_IsExplained_TheParticipantDeleted_AndRetryJoinsAgain()
    {
        var connect = Module.SetupVoid("connect", _ => true);
        var page = Render<Home>();

        // The SDK gives up later, as in a browser: the failure must still reach the screen.
        connect.SetException(new JSException("Bandwidth's WebRTC service did not answer in time."));

        page.WaitForAssertion(() => Assert.Contains("could not connect to Bandwidth", page.Find(".status-connect-failed").TextContent));
        Participants.Verify(p => p.LeaveAsync(Me.Id, It.IsAny<CancellationToken>()), Times.Once);
        page.Find(".status-connect-failed button").Click();
        Participants.Verify(p => p.JoinAsync(ParticipantKind.Browser, It.IsAny<ClientAddress>(), It.IsAny<CancellationToken>()), Times.Exactly(2));
    }

    [Fact]
    public void BandwidthFailure_IsExplained_WithARetry()
    {
        Participants.SetupSequence(p => p.JoinAsync(ParticipantKind.Browser, It.IsAny<ClientAddress>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new BandwidthApiException(HttpStatusCode.Unauthorized, "createParticipant", "Unauthorized"))
            .ReturnsAsync(Me);

        var page = Render<Home>();

        Assert.Contains("401", page.Find(".status-bandwidth-unavailable").TextContent);
        Assert.Empty(Module.Invocations["connect"]);
        page.Find(".status-bandwidth-unavailable button").Click();
        page.WaitForAssertion(() => Module.VerifyInvoke("connect"));
        Assert.Empty(page.FindAll(".status-bandwidth-unavailable"));
    }

    [Fact]
    public void SdkThatFailsToLoad_IsExplained_KeepsNoParticipant_AndRetryLoadsItAgain()
    {
        var sdk = new MockedSdk(this);
        sdk.Runtime.SetupSequence(js => js.InvokeAsync<IJSObjectReference>("import", It.IsAny<object?[]?>()))
            .ThrowsAsync(new JSException("Failed to fetch dynamically imported module: http://localhost/lib/bandwidth-webrtc/bandwidth-webrtc.js\n    at import"))
            .ReturnsAsync(sdk.Module.Object);

        var page = Render<Home>();

        var error = page.Find(".status-sdk-unavailable").TextContent;
        Assert.Contains("could not start Bandwidth's browser SDK.", error);
        Assert.Equal("Details: Failed to fetch dynamically imported module: http://localhost/lib/bandwidth-webrtc/bandwidth-webrtc.js",
            page.Find(".status-sdk-unavailable .problem-details").TextContent);
        Assert.DoesNotContain("at import", error);
        Participants.Verify(p => p.LeaveAsync(Me.Id, It.IsAny<CancellationToken>()), Times.Once); // made while the SDK loaded, and not kept
        page.Find(".status-sdk-unavailable button").Click();
        page.WaitForAssertion(() => Assert.Equal(1, sdk.Calls("connect")));
        Assert.Empty(page.FindAll(".status-sdk-unavailable"));
    }

    [Fact]
    public void SdkThatCannotMakeAClient_IsExplained_AndKeepsNoParticipant()
    {
        var sdk = new MockedSdk(this);
        sdk.Module.Setup(m => m.InvokeAsync<IJSObjectReference>("createClient", It.IsAny<object?[]?>()))
            .ThrowsAsync(new JSException("RTCPeerConnection is not defined"));

        var page = Render<Home>();

        Assert.Equal("Details: RTCPeerConnection is not defined", page.Find(".status-sdk-unavailable .problem-details").TextContent);
        Participants.Verify(p => p.LeaveAsync(Me.Id, It.IsAny<CancellationToken>()), Times.Once); // made while the SDK loaded, and not kept
    }

    [Fact]
    public void Mute_WhenTheSdkFails_SaysSo_AndStaysInTheCallUnmuted()
    {
        Module.SetupVoid("setMicEnabled", _ => true).SetException(new JSException("Cannot read properties of undefined (reading 'getAudioTracks')"));
        var page = Render<Home>();

        page.Find(".mute-toggle").Click();

        Assert.Equal("Your microphone could not be muted.", page.Find(".me .microphone-problem .problem-message").TextContent);
        Assert.StartsWith("Details: Cannot read properties", page.Find(".me .microphone-problem .problem-details").TextContent);
        Assert.Equal("Mute", page.Find(".mute-toggle").TextContent.Trim());
        Assert.False(page.Find(".mute-toggle").HasAttribute("disabled"));
    }

    [Fact]
    public void MicrophoneSwitch_WhenUnpublishFails_SaysSo_AndKeepsTheMicrophone()
    {
        Module.SetupVoid("unpublish", _ => true).SetException(new JSException("No publishing RTCPeerConnection, cannot offer SDP"));
        var page = Render<Home>();

        page.Find(".microphone-picker").Change("mic-2");

        Assert.Contains("The microphone could not be switched", page.Find(".me .microphone-problem").TextContent);
        Module.VerifyInvoke("publish", calledTimes: 1);
        page.Find(".mute-toggle:not([disabled])");
    }

    [Fact]
    public async Task Dtmf_WhenTheSdkFails_SaysSo_AndStaysInTheCall()
    {
        Calls.Register("c-1", CallDirection.Inbound, "+19195550124", "+19195550100", "p-phone");
        Module.SetupVoid("sendDtmf", _ => true).SetException(new JSException("insertDTMF: sender is stopped"));
        var page = Render<Home>();
        await page.InvokeAsync(() => SdkCallbacks.OnStreamAvailable(PhoneStream));

        page.FindAll(".dtmf-keypad button").Single(b => b.TextContent == "5").Click();

        Assert.Contains("The tone could not be sent", page.Find(".phones .keypad-problem").TextContent);
        page.Find(".mute-toggle:not([disabled])");
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

    [Fact]
    public async Task Keypad_IsShownOnlyWhileAPhoneIsInTheCall_AndSaysWhereTheTonesGo()
    {
        var page = Render<Home>();
        Assert.Empty(page.FindAll(".dtmf-keypad"));
        await page.InvokeAsync(() => SdkCallbacks.OnStreamAvailable(OtherBrowser));
        Assert.Empty(page.FindAll(".dtmf-keypad"));

        await page.InvokeAsync(() => Calls.Register("c-1", CallDirection.Inbound, "+19195550124", "+19195550100", "p-phone"));
        await page.InvokeAsync(() => SdkCallbacks.OnStreamAvailable(PhoneStream));

        Assert.Equal("Keypad: the tones go to the phone in the call.", page.Find(".dtmf-label").TextContent);
        Assert.Equal(12, page.FindAll(".dtmf-keypad button").Count);
        await page.InvokeAsync(() => SdkCallbacks.OnStreamUnavailable(PhoneStream.EndpointId));
        Assert.Empty(page.FindAll(".dtmf-keypad"));
    }

    [Fact]
    public async Task Keypad_GoesWhenThePhonesCallEnds()
    {
        Calls.Register("c-1", CallDirection.Inbound, "+19195550124", "+19195550100", "p-phone");
        var page = Render<Home>();
        await page.InvokeAsync(() => SdkCallbacks.OnStreamAvailable(PhoneStream));
        page.Find(".dtmf-keypad");

        Calls.MarkEnded("c-1", "hangup");

        page.WaitForAssertion(() => Assert.Empty(page.FindAll(".dtmf-keypad")));
    }

    [Fact]
    public async Task CallHint_OnceSomeoneIsHeard_NoLongerFollowsTheDialHint()
    {
        var page = Render<Home>();

        await page.InvokeAsync(() => SdkCallbacks.OnStreamAvailable(OtherBrowser));

        Assert.Equal("Click to call +19195550123", page.Find(".call-hint").TextContent);
    }

    [Fact]
    public async Task Dtmf_SendsTheDigitThroughTheSdk()
    {
        Calls.Register("c-1", CallDirection.Inbound, "+19195550124", "+19195550100", "p-phone");
        var page = Render<Home>();
        await page.InvokeAsync(() => SdkCallbacks.OnStreamAvailable(PhoneStream));

        page.FindAll(".dtmf-keypad button").Single(b => b.TextContent == "5").Click();

        Assert.Equal("5", Module.VerifyInvoke("sendDtmf").Arguments[1]);
    }

    [Fact]
    public void CallButton_PlacesACallToTheNumber()
    {
        PhoneCalls.Setup(p => p.CallAsync("+19195550123", It.IsAny<ClientAddress>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(() => Calls.Register("c-out", CallDirection.Outbound, "+19195550100", "+19195550123", "p-phone"));
        var page = Render<Home>();

        page.Find(".call-button").Click();

        PhoneCalls.Verify(p => p.CallAsync("+19195550123", It.IsAny<ClientAddress>(), It.IsAny<CancellationToken>()), Times.Once);
        page.WaitForAssertion(() => Assert.True(page.Find(".call-button").HasAttribute("disabled")));
        page.Find(".ringing-indicator");
    }

    [Fact]
    public void CallButton_WhenTheCallIsRefused_SaysWhy()
    {
        PhoneCalls.Setup(p => p.CallAsync(It.IsAny<string>(), It.IsAny<ClientAddress>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new PhoneCallRejectedException(PhoneCallRejection.RateLimited, "Too many calls in a short time; try again in a minute."));
        var page = Render<Home>();

        page.Find(".call-button").Click();

        Assert.Equal("+19195550123 could not be called. Too many calls in a short time; try again in a minute.",
            page.Find(".phones .call-problem .problem-message").TextContent);
        page.Find(".phones .call-problem .retry"); // the limit lifts: trying again makes sense
    }

    [Fact]
    public void WithoutDialableNumbers_TheCallButtonIsReplacedByAHint()
    {
        PhoneCalls.SetupGet(p => p.DialableNumbers).Returns([]);

        var page = Render<Home>();

        Assert.Empty(page.FindAll(".call-button"));
        page.Find(".no-outbound-number");
    }
}

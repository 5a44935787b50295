using System.Net;
using Bunit;
using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Components.Call;
using HelloWorld.Blazor.Components.Pages;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Security;
using Microsoft.JSInterop;
using Moq;

namespace HelloWorld.Blazor.Tests.Components.Pages;

/// <summary>What the call page says, and keeps or lets go of, when the microphone, the SDK or Bandwidth fails.</summary>
public sealed class HomeFailureTests : CallPageContext
{
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
}

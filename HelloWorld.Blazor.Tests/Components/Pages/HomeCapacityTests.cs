using System.Net;
using Bunit;
using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Bandwidth.WebRtc;
using HelloWorld.Blazor.Components.Pages;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Security;
using Moq;

namespace HelloWorld.Blazor.Tests.Components.Pages;

/// <summary>
/// The page and the session's places: it joins as its tab's client, waits (pushed, never polled) when the call is full or
/// its client holds its share, and says plainly when the account has no WebRTC.
/// </summary>
public sealed class HomeCapacityTests : CallPageContext
{
    [Fact]
    public void Join_CountsAgainstTheTabsClient()
    {
        Render<Home>();

        Participants.Verify(p => p.JoinAsync(ParticipantKind.Browser, ClientAddress.Unknown, It.IsAny<CancellationToken>()), Times.Once);
        Participants.Verify(p => p.JoinAsync(It.IsAny<ParticipantKind>(), It.IsAny<CancellationToken>()), Times.Never);
    }

    [Fact]
    public void FullCall_ShowsTheCeiling_AndJoinsOnceAPlaceFrees()
    {
        var others = Enumerable.Range(0, ParticipantSettings.MaxPerSession).Select(_ => Capacity.Reserve(null)).ToList();
        Participants.SetupSequence(p => p.JoinAsync(ParticipantKind.Browser, It.IsAny<ClientAddress>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(ParticipantRefusedException.SessionFull(3, 3))
            .ReturnsAsync(Me);
        var page = Render<Home>();

        Assert.StartsWith("The call is full (3 of 3).", page.Find(".status-waiting-for-place").TextContent.Trim());
        Assert.Contains("joins by itself as soon as a place frees up", page.Find(".status-waiting-for-place").TextContent);
        Assert.Empty(page.FindAll(".status-waiting-for-place button"));
        Assert.Empty(Connect.Invocations);

        others[0].Free();

        page.WaitForAssertion(() => page.Find(".mute-toggle:not([disabled])"));
        Assert.Empty(page.FindAll(".status-waiting-for-place"));
        Assert.Equal("device-token-of-me", Assert.Single(Connect.Invocations).Arguments[1]);
    }

    [Fact]
    public void ClientAtItsShare_WaitsForOneOfItsOwnPlaces_NotForSomeoneElses()
    {
        var mine = Enumerable.Range(0, ParticipantSettings.MaxPerClient).Select(_ => Capacity.Reserve(ClientAddress.Unknown)).ToList();
        Participants.SetupSequence(p => p.JoinAsync(ParticipantKind.Browser, It.IsAny<ClientAddress>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(ParticipantRefusedException.ClientLimit(ParticipantSettings.MaxPerClient))
            .ReturnsAsync(Me);
        var page = Render<Home>();
        Assert.Contains("You are in this call 2 times already", page.Find(".status-waiting-for-place").TextContent);

        Capacity.Reserve(null).Free(); // someone else's place taken and freed: still no room for this client

        page.WaitForAssertion(() => Assert.Equal(1, Participants.Invocations.Count(i => i.Method.Name == "JoinAsync")));
        Assert.Single(page.FindAll(".status-waiting-for-place"));
        mine[0].Free();
        page.WaitForAssertion(() => page.Find(".mute-toggle:not([disabled])"));
    }

    [Fact]
    public void AccountWithoutWebRtc_SaysSo_InBandwidthsOwnTerms_WithoutARetry()
    {
        Participants.Setup(p => p.JoinAsync(ParticipantKind.Browser, It.IsAny<ClientAddress>(), It.IsAny<CancellationToken>()))
            .ThrowsAsync(new BandwidthApiException(HttpStatusCode.Forbidden, "createParticipant", "Forbidden", explanation: WebRtcApiClient.NoWebRtcAccess));

        var page = Render<Home>();

        Assert.Equal(WebRtcApiClient.NoWebRtcAccess, page.Find(".status-no-webrtc-access .problem-message").TextContent);
        Assert.Empty(page.FindAll(".status-no-webrtc-access button"));
        Assert.Contains("no access to the WebRTC API", page.Find(".live-announcer").TextContent);
        Module.VerifyInvoke("disconnect"); // the SDK client made meanwhile is let go of
    }
}

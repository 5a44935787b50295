using Bunit;
using HelloWorld.Blazor.Components.Pages;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Security;
using Moq;

namespace HelloWorld.Blazor.Tests.Components.Pages;

/// <summary>Issue 12.6: the page follows the SDK's connection to Bandwidth, and rejoins when it does not come back.</summary>
public sealed class HomeReconnectTests : CallPageContext
{
    private static readonly JoinedParticipant Fresh = new("p-fresh", "device-token-fresh", ParticipantKind.Browser, "s-1");

    public HomeReconnectTests()
    {
        Participants.SetupSequence(p => p.JoinAsync(ParticipantKind.Browser, It.IsAny<ClientAddress>(), It.IsAny<CancellationToken>()))
            .ReturnsAsync(Me)
            .ReturnsAsync(Fresh);
    }

    [Fact]
    public async Task ConnectionDropped_ShowsReconnecting_AndBackInTime_GoesOnWithTheSameParticipant()
    {
        var page = Render<Home>();

        await page.InvokeAsync(() => SdkCallbacks.OnSignalingChanged(false));

        Assert.StartsWith("Reconnecting…", page.Find(".status-reconnecting").TextContent);
        Assert.Contains("Your connection to the call dropped. Reconnecting…", page.Find(".live-announcer").TextContent);
        page.Find(".mute-toggle"); // the call's controls stay: the media may still flow
        Clock.Advance(PageSettings.SignalingRecoveryTimeout - TimeSpan.FromSeconds(1));
        await page.InvokeAsync(() => SdkCallbacks.OnSignalingChanged(true));
        Clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Empty(page.FindAll(".status-reconnecting"));
        page.Find(".mute-toggle:not([disabled])");
        Assert.Equal("You are back in the call.", page.Find(".live-announcer").Children[^1].TextContent);
        Participants.Verify(p => p.LeaveAsync(It.IsAny<string>(), It.IsAny<CancellationToken>()), Times.Never);
        Assert.Single(Connect.Invocations);
    }

    [Fact]
    public async Task ConnectionNotBackInTime_RejoinsWithAFreshParticipant_AndDeletesTheOldOne()
    {
        var page = Render<Home>();
        await page.InvokeAsync(() => SdkCallbacks.OnSignalingChanged(false));

        Clock.Advance(PageSettings.SignalingRecoveryTimeout);

        page.WaitForAssertion(() => Assert.Equal(2, Connect.Invocations.Count));
        Assert.Equal("device-token-fresh", Connect.Invocations.Last().Arguments[1]);
        Participants.Verify(p => p.LeaveAsync(Me.Id, It.IsAny<CancellationToken>()), Times.Once);
        Module.VerifyInvoke("disconnect");
        page.WaitForAssertion(() => page.Find(".mute-toggle:not([disabled])"));
        Assert.Empty(page.FindAll(".status-reconnecting"));
    }

    [Fact]
    public async Task ConnectionDropped_AfterBandwidthLostTheParticipant_RejoinsAtOnce()
    {
        Participants.Setup(p => p.IsHeld(Me.Id)).Returns(false); // deleted: its token is refused, the SDK can never get back in
        var page = Render<Home>();

        await page.InvokeAsync(() => SdkCallbacks.OnSignalingChanged(false));

        page.WaitForAssertion(() => Assert.Equal("device-token-fresh", Connect.Invocations.Last().Arguments[1]));
    }

    [Fact]
    public async Task BackWithoutADrop_ChangesNothing()
    {
        var page = Render<Home>();
        await page.InvokeAsync(() => SdkCallbacks.OnSignalingChanged(true));

        Clock.Advance(TimeSpan.FromMinutes(1));

        Assert.Empty(page.FindAll(".status-reconnecting"));
        Assert.Single(Connect.Invocations);
    }
}

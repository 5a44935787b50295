using Bunit;
using HelloWorld.Blazor.Components.Call;

namespace HelloWorld.Blazor.Tests.Components.Call;

public sealed class CallStatusBannerTests : CallPageContext
{
    [Theory]
    [InlineData(CallPageStatus.Joining, ".status-joining", false)]
    [InlineData(CallPageStatus.Connecting, ".status-connecting", false)]
    [InlineData(CallPageStatus.Publishing, ".status-publishing", false)]
    [InlineData(CallPageStatus.ConnectFailed, ".status-connect-failed", true)]
    [InlineData(CallPageStatus.BandwidthUnavailable, ".status-bandwidth-unavailable", true)]
    [InlineData(CallPageStatus.SdkUnavailable, ".status-sdk-unavailable", true)]
    [InlineData(CallPageStatus.AppStopped, ".status-app-stopped", false)]
    public void EachStatus_HasItsOwnMessage_AndOnlyFailedJoinsOfferARetry(CallPageStatus status, string selector, bool retries)
    {
        var retried = 0;
        var banner = Render<CallStatusBanner>(p => p
            .Add(x => x.State, new CallPageState(status, "the detail"))
            .Add(x => x.OnRetry, () => retried++));

        var message = banner.Find(".call-status").FirstElementChild!;
        Assert.True(message.Matches(selector), $"{status} shows {message.ClassName}");
        Assert.Equal(retries, banner.FindAll(".retry").Count == 1);
        if (retries)
        {
            banner.Find(".retry").Click();
            Assert.Equal(1, retried);
        }
    }

    [Theory]
    [InlineData(CallPageStatus.BandwidthUnavailable, "Bandwidth could not add this browser to the call right now.")]
    [InlineData(CallPageStatus.SdkUnavailable, "This page could not start Bandwidth's browser SDK.")]
    [InlineData(CallPageStatus.ConnectFailed, "This browser could not connect to Bandwidth's WebRTC service.")]
    public void FailedJoins_SayWhatHappenedInWords_AndTheTechnicalReasonOnlyOnADetailsLine(CallPageStatus status, string message)
    {
        var banner = Render<CallStatusBanner>(p => p
            .Add(x => x.State, new CallPageState(status, "Bandwidth createParticipant failed with 503 ServiceUnavailable."))
            .Add(x => x.OnRetry, () => { }));

        Assert.Equal(message, banner.Find(".problem-message").TextContent);
        Assert.Equal("Details: Bandwidth createParticipant failed with 503 ServiceUnavailable.", banner.Find(".problem-details").TextContent);
        Assert.DoesNotContain("503", banner.Find(".problem-message").TextContent + banner.Find(".problem-help").TextContent);
    }

    [Fact]
    public void AloneInTheCall_SaysItIsWaitingForSomeone_ThenHoorayOnceSomeoneIsHeard()
    {
        var banner = Render<CallStatusBanner>(p => p.Add(x => x.State, new CallPageState(CallPageStatus.Connected)).Add(x => x.OnRetry, () => { }));
        Assert.Equal("Waiting for someone to join…", banner.Find(".waiting").TextContent);

        banner.Render(p => p.Add(x => x.OthersHeard, 1));

        Assert.Empty(banner.FindAll(".waiting"));
        Assert.Equal("Hooray! You're connected!", banner.Find(".connected").TextContent);
    }

    [Fact]
    public void AloneWithoutAMicrophone_StillWaitsForSomeone_ForThePageStillListens()
    {
        var banner = Render<CallStatusBanner>(p => p.Add(x => x.State, new CallPageState(CallPageStatus.MicrophoneDenied)).Add(x => x.OnRetry, () => { }));

        banner.Find(".waiting");
    }

    [Fact]
    public void InTheCallWithoutANumberToDial_SuggestsAnotherTab_UntilSomeoneIsHeard()
    {
        Settings.PhoneNumber = null;
        var banner = Render<CallStatusBanner>(p => p.Add(x => x.State, new CallPageState(CallPageStatus.Connected)).Add(x => x.OnRetry, () => { }));
        Assert.Contains("another tab", banner.Find(".dial-hint").TextContent);

        banner.Render(p => p.Add(x => x.OthersHeard, 2));

        Assert.Empty(banner.FindAll(".dial-hint"));
    }
}

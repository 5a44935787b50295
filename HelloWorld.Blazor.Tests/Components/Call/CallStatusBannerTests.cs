using Bunit;
using HelloWorld.Blazor.Components.Call;

namespace HelloWorld.Blazor.Tests.Components.Call;

public sealed class CallStatusBannerTests : CallPageContext
{
    [Theory]
    [InlineData(CallPageStatus.Joining, ".status-joining", false)]
    [InlineData(CallPageStatus.Connecting, ".status-connecting", false)]
    [InlineData(CallPageStatus.Publishing, ".status-publishing", false)]
    [InlineData(CallPageStatus.MicrophoneDenied, ".status-microphone-denied", false)]
    [InlineData(CallPageStatus.MicrophoneMissing, ".status-microphone-missing", false)]
    [InlineData(CallPageStatus.MicrophoneBusy, ".status-microphone-busy", false)]
    [InlineData(CallPageStatus.MicrophoneFailed, ".status-microphone-failed", false)]
    [InlineData(CallPageStatus.ConnectFailed, ".status-connect-failed", true)]
    [InlineData(CallPageStatus.BandwidthUnavailable, ".status-bandwidth-unavailable", true)]
    [InlineData(CallPageStatus.SdkUnavailable, ".status-sdk-unavailable", true)]
    public void EachStatus_HasItsOwnMessage_AndOnlyFailuresOfferARetry(CallPageStatus status, string selector, bool retries)
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

    [Fact]
    public void Connected_SaysNothingOfItself()
    {
        var banner = Render<CallStatusBanner>(p => p.Add(x => x.State, new CallPageState(CallPageStatus.Connected)).Add(x => x.OnRetry, () => { }));

        Assert.Empty(banner.Find(".call-status").Children);
    }

    [Theory]
    [InlineData(CallPageStatus.MicrophoneFailed, "could not be started (getUserMedia failed)")]
    [InlineData(CallPageStatus.BandwidthUnavailable, "did not let this browser join the call: getUserMedia failed")]
    [InlineData(CallPageStatus.SdkUnavailable, "browser SDK (getUserMedia failed)")]
    public void FailuresWithADetail_ShowIt(CallPageStatus status, string text)
    {
        var banner = Render<CallStatusBanner>(p => p.Add(x => x.State, new CallPageState(status, "getUserMedia failed")).Add(x => x.OnRetry, () => { }));

        Assert.Contains(text, banner.Find(".call-status").TextContent);
    }

    [Fact]
    public void InTheCallWithoutANumberToDial_SuggestsAnotherTab_UntilSomeoneIsHeard()
    {
        Settings.PhoneNumber = null;
        var banner = Render<CallStatusBanner>(p => p.Add(x => x.State, new CallPageState(CallPageStatus.Connected)).Add(x => x.OnRetry, () => { }));
        Assert.Contains("another tab", banner.Find(".dial-hint").TextContent);

        banner.Render(p => p.Add(x => x.AnyoneHeard, true));

        Assert.Empty(banner.FindAll(".dial-hint"));
        Assert.Equal("Hooray! You're connected!", banner.Find(".connected").TextContent);
    }
}

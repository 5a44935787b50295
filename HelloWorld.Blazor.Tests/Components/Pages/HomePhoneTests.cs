using Bunit;
using HelloWorld.Blazor.Components.Pages;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Security;
using Moq;

namespace HelloWorld.Blazor.Tests.Components.Pages;

/// <summary>The page with a phone in the call: the keypad, its tones, the call hint and the CALL button.</summary>
public sealed class HomePhoneTests : CallPageContext
{
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

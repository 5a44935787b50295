using System.Text.RegularExpressions;
using static HelloWorld.Blazor.Conference.PhoneNumberMask;
using static Microsoft.Playwright.Assertions;

namespace HelloWorld.Blazor.Tests.Browser;

/// <summary>The phone simulator beside the call page: every phone in sight, and calls told as they are.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class PhoneSimulatorBrowserTests(ChromiumFixture chromium) : AppInBrowserTest(chromium, Settings)
{
    private const string OutboundPhone = "+19195550123";
    private const string SecondPhone = "+19195550124";

    /// <summary>The page may call both simulated phones, the first by default; a call nobody answers gives up after a few seconds.</summary>
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Bandwidth:OutboundPhoneNumber"] = OutboundPhone,
        ["Bandwidth:AllowedOutboundNumbers:0"] = SecondPhone,
        ["PhoneCalls:RingTimeoutSeconds"] = "6",
    };

    [BrowserFact]
    public async Task EveryPhoneIsInSight_SoACallToTheSecondRingsVisibly_WithTalkTimeOnlyOnceAnswered_AndCallDisabledForIt()
    {
        var page = await CallPage.OpenAsync(Context, App.BaseUrl);
        await page.WaitUntilPublishingAsync();
        var simulator = await PhoneSimulatorPage.OpenAsync(Context, App.BaseUrl);
        await Expect(simulator.Status(OutboundPhone)).ToHaveTextAsync("Idle");
        await Expect(simulator.Status(SecondPhone)).ToHaveTextAsync("Idle");
        await Accessibility.AssertAccessibleAsync(simulator.Page, "every phone idle");

        await page.Page.Locator("#number-to-call").SelectOptionAsync(SecondPhone);
        await page.Page.ClickAsync(".call-button");

        await Expect(simulator.Status(SecondPhone)).ToHaveTextAsync("Incoming call…", new() { Timeout = 30_000 });
        await Expect(simulator.Phone(SecondPhone)).ToHaveClassAsync(new Regex(@"\bringing\b"));
        await Expect(simulator.Key(SecondPhone, "answer")).ToBeVisibleAsync();
        await Expect(simulator.TalkTime(SecondPhone)).ToBeEmptyAsync();
        await Expect(simulator.Status(OutboundPhone)).ToHaveTextAsync("Idle");
        await Expect(simulator.Announcer).ToContainTextAsync($"Phone {SecondPhone}: Incoming call.");
        await simulator.Key(SecondPhone, "answer").ClickAsync();

        await Expect(simulator.Status(SecondPhone)).ToHaveTextAsync("In the call", new() { Timeout = 30_000 });
        await Expect(simulator.TalkTime(SecondPhone)).ToHaveTextAsync(new Regex(@"^Talk time \d+:\d\d$"));
        await page.WaitForStreamAsync($"Phone {SecondPhone}");
        await Expect(page.Page.Locator(".call-button")).ToBeDisabledAsync();
        await Expect(page.Page.Locator(".in-call-hint")).ToHaveTextAsync($"{SecondPhone} is in the call already.");
        await page.Page.Locator("#number-to-call").SelectOptionAsync(OutboundPhone);
        await Expect(page.Page.Locator(".call-button")).ToBeEnabledAsync();
    }

    [BrowserFact]
    public async Task DialedInNumber_CannotBeCalledFromThePage_WhileItIsInTheCall()
    {
        var page = await CallPage.OpenAsync(Context, App.BaseUrl);
        await page.WaitUntilPublishingAsync();
        var simulator = await PhoneSimulatorPage.OpenAsync(Context, App.BaseUrl);

        await simulator.Key(OutboundPhone, "dial").ClickAsync();

        await page.WaitForStreamAsync($"Phone {Mask(OutboundPhone)}"); // a phone this tab did not call: its number masked
        await Expect(page.Page.Locator(".call-button")).ToBeDisabledAsync();
        await Expect(page.Page.Locator(".in-call-hint")).ToHaveTextAsync($"{OutboundPhone} is in the call already.");
    }

    [BrowserFact]
    public async Task ACallNobodyAnswers_EndsWithoutTalkTime_AndThePageSaysWhy()
    {
        await CallPage.ObserveAsync(Context);
        var page = await CallPage.OpenAsync(Context, App.BaseUrl);
        await page.WaitUntilPublishingAsync();
        var simulator = await PhoneSimulatorPage.OpenAsync(Context, App.BaseUrl);

        await page.Page.ClickAsync(".call-button");

        await Expect(simulator.Status(OutboundPhone)).ToHaveTextAsync("Incoming call…", new() { Timeout = 30_000 });
        var row = page.Page.Locator(".phone-calls tbody tr").First;
        await Expect(row).ToContainTextAsync("Ended (timeout)", new() { Timeout = 30_000 });
        Assert.Equal("–not answered", (await row.Locator(".duration").TextContentAsync())!.Trim());
        await Expect(simulator.Status(OutboundPhone)).ToHaveTextAsync("Idle");
        await Expect(simulator.Log.First).ToContainTextAsync("ended (timeout)");
        await EmulatorControl.EventuallyAsync(page.AnnouncementsAsync,
            said => said.Count(line => line == $"The call to {OutboundPhone} failed: nobody answered.") == 1, "the page to say nobody answered, once");
        Assert.Equal(0, await page.OscillatorsAsync()); // the ringback stopped with the ringing
    }
}

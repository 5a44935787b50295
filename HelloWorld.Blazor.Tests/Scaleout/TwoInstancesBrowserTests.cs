using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Tests.Browser;
using HelloWorld.Testing;
using static Microsoft.Playwright.Assertions;

namespace HelloWorld.Blazor.Tests.Scaleout;

/// <summary>
/// The call page of instance A in real Chromium, while every Voice webhook goes to instance B (<see cref="ScaledOutConference"/>):
/// what A's page shows of a call after it rings, it learns through Redis alone.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class TwoInstancesBrowserTests(ChromiumFixture chromium, RedisServer redis) : IClassFixture<RedisServer>
{
    private const string OutboundPhone = "+19195550123";

    private static readonly Microsoft.Playwright.LocatorAssertionsToContainTextOptions Patiently = new() { Timeout = 30_000 };

    [BrowserFact]
    public async Task CallButtonOnA_AnsweredThroughB_JoinsAndShowsOnAsPage_AndItsHangUpThroughB_EndsTheRowOnAsPage()
    {
        await redis.FlushAsync();
        await using var conference = await ScaledOutConference.StartAsync(redis);
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        await using var device = await DeviceRelay.RouteAsync(page, conference.EmulatorUrl);
        await page.GotoAsync(conference.A.BaseUrl + "/");
        var call = new CallPage(page);
        await call.WaitUntilPublishingAsync();

        await page.ClickAsync(".call-button");
        var ringing = await EmulatorControl.EventuallyAsync(conference.Control.CallsAsync,
            calls => calls.Any(c => (string?)c!["state"] == "ringing"), "the phone to ring");
        var callId = (string)ringing.Single()!["callId"]!;
        Assert.Equal(OutboundPhone, (string?)ringing.Single()!["to"]);
        var row = page.Locator($".phone-calls [data-call-key='{callId}']");
        await Expect(row).ToContainTextAsync("Ringing…", Patiently);

        await conference.Control.AnswerAsync(callId);

        await Expect(row).ToContainTextAsync("In the call", Patiently);
        // Still this tab's own call after B changed it: its number unmasked, with the tab's Hang up.
        await Expect(row.Locator(".number")).ToHaveTextAsync(OutboundPhone);
        await Expect(row.Locator(".hang-up")).ToBeVisibleAsync();
        await call.WaitForStreamAsync($"Phone {OutboundPhone}");
        Assert.Equal("transferred", (string?)(await conference.Control.CallAsync(callId))!["state"]);
        // The answer and the transfer were B's to handle: B has the call as its own record of what it did, A as Redis told it.
        await Eventually.HoldsAsync(() => conference.B.Get<ICallRegistry>().Find(callId)?.State, state => state == CallState.Transferred,
            "B to hold the call joined");

        await conference.Control.HangUpAsync(callId);

        await Expect(row).ToContainTextAsync("Ended", Patiently);
        await Expect(row.Locator(".hang-up")).ToHaveCountAsync(0);
        await Expect(call.RemoteStreams).ToHaveCountAsync(0, new() { Timeout = 20_000 });
        await Expect(page.Locator(".call-button")).ToBeEnabledAsync();
    }
}

using Microsoft.AspNetCore.Components.Server;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HelloWorld.Blazor.Tests.Browser;

/// <summary>
/// Rejoin, after the page gave up reconnecting to the app: every way it can end leaves the page back in a call, or saying
/// what happened with something that works. Never held under a banner that says nothing new.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class CallPageRejoinBrowserTests(ChromiumFixture chromium)
{
    /// <summary>Two quick attempts, then Rejoin; a lost tab's circuit is let go after 2 s (RunningApp's default).</summary>
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["CallPage:ReconnectAttempts"] = "2",
        ["CallPage:ReconnectInterval"] = "00:00:00.500",
    };

    /// <summary>
    /// The app has let the circuit go and kept nothing to resume it from (its saved state expires at once here): the app
    /// is reached, but the page's call is gone, so the page loads afresh and joins a new one.
    /// </summary>
    [BrowserFact]
    public async Task Rejoin_WhenTheAppKeptNothingToResume_LoadsThePageAfresh_WhichJoinsAgain_WithoutAnErrorBar()
    {
        await using var app = RunningApp.Start(Settings, services: services =>
            services.Configure<CircuitOptions>(circuit => circuit.PersistedCircuitInMemoryRetentionPeriod = TimeSpan.FromMilliseconds(1)));
        await using var context = await chromium.NewContextAsync();
        var (call, link) = await OpenAndCutAsync(context, app);
        var banner = call.Page.Locator("#components-reconnect-modal");
        var rejoin = banner.Locator("button", new() { HasTextString = "Rejoin" });
        await Expect(rejoin).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await WaitUntilTheAppLetTheCircuitGoAsync(app);

        link.Restore();
        await rejoin.ClickAsync();

        await call.WaitUntilPublishingAsync();
        await Expect(banner).ToBeHiddenAsync();
        await Expect(call.Page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
    }

    [BrowserFact]
    public async Task Rejoin_WhileTheAppIsStillOutOfReach_SaysSo_AndOffersRejoinAndReload_AndRejoinWorksOnceItIsBack()
    {
        await using var app = RunningApp.Start(Settings);
        await using var context = await chromium.NewContextAsync();
        var (call, link) = await OpenAndCutAsync(context, app);
        var banner = call.Page.Locator("#components-reconnect-modal");
        var rejoin = banner.Locator("button", new() { HasTextString = "Rejoin" });
        await Expect(rejoin).ToBeVisibleAsync(new() { Timeout = 20_000 });

        await rejoin.ClickAsync();

        await Expect(banner).ToContainTextAsync("The app still cannot be reached.", new() { UseInnerText = true });
        await Expect(banner.Locator("button", new() { HasTextString = "Reload" })).ToBeVisibleAsync();
        await Expect(rejoin).ToBeEnabledAsync();
        await Expect(rejoin).ToBeFocusedAsync();
        await Expect(banner).Not.ToContainTextAsync("The page lost its connection to the app.", new() { UseInnerText = true });
        await Accessibility.AssertNoSeriousViolationsAsync(call.Page, "a Rejoin that did not reach the app");
        await Accessibility.AssertTouchTargetsAsync(call.Page, "a Rejoin that did not reach the app");

        link.Restore();
        await rejoin.ClickAsync();

        await Expect(banner).ToBeHiddenAsync(new() { Timeout = 20_000 });
        await call.WaitUntilPublishingAsync();
        await Expect(call.Page.Locator("main")).Not.ToHaveAttributeAsync("inert", "");
        await Expect(call.Page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
    }

    /// <summary>Opens the call page, waits until it publishes, then cuts its circuit and keeps the app out of its reach.</summary>
    private static async Task<(CallPage Call, CircuitLink Link)> OpenAndCutAsync(IBrowserContext context, RunningApp app)
    {
        var page = await context.NewPageAsync();
        var link = await CircuitLink.RouteAsync(page);
        await page.GotoAsync(app.BaseUrl + "/");
        var call = new CallPage(page);
        await call.WaitUntilPublishingAsync();
        await link.CutAsync();
        return (call, link);
    }

    /// <summary>The circuit let go disposes the page, which deletes its participant.</summary>
    private static Task WaitUntilTheAppLetTheCircuitGoAsync(RunningApp app) =>
        EmulatorControl.EventuallyAsync(app.Control.ParticipantsAsync, participants => participants.Count == 0,
            "the lost page's participant to be deleted with its circuit", TimeSpan.FromSeconds(20));
}

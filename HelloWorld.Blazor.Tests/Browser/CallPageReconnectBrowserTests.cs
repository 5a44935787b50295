using static Microsoft.Playwright.Assertions;

namespace HelloWorld.Blazor.Tests.Browser;

/// <summary>
/// Issue 12.6 in Chromium, with the unmodified SDK: the emulator drops the page's signaling (its control API's drop
/// route), and the page says "Reconnecting…" until the SDK is back, or rejoins with a fresh participant when it cannot be.
/// These fail too if the SDK stops showing its signaling socket where the page's module looks for it.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class CallPageReconnectBrowserTests(ChromiumFixture chromium) : AppInBrowserTest(chromium, Settings)
{
    private static readonly Dictionary<string, string?> Settings = new() { ["CallPage:SignalingRecoveryTimeout"] = "00:00:04" };

    [BrowserFact]
    public async Task DroppedSignaling_ShowsReconnecting_ThenTheSameParticipantIsBackInTheCall()
    {
        await CallPage.ObserveAsync(Context);
        var page = await CallPage.OpenAsync(Context, App.BaseUrl);
        await page.WaitUntilPublishingAsync();
        var participant = (string)(await App.Control.ParticipantsAsync()).Single()["id"]!;

        await App.Control.DropDeviceAsync(participant);

        // The SDK tries again a second after the drop: "Reconnecting…" shows for about that long.
        await Expect(page.Page.Locator(".status-reconnecting")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        await Expect(page.Page.Locator(".status-reconnecting")).ToHaveCountAsync(0, new() { Timeout = 20_000 });
        await page.WaitUntilPublishingAsync();
        Assert.Equal([participant], (await App.Control.ParticipantsAsync()).Select(p => (string)p["id"]!));
        Assert.Contains("Your connection to the call dropped. Reconnecting…", await page.AnnouncementsAsync());
    }

    [BrowserFact]
    public async Task SignalingClosedForGood_RejoinsWithAFreshParticipant_AfterTheRecoveryTimeout()
    {
        var page = await CallPage.OpenAsync(Context, App.BaseUrl);
        await page.WaitUntilPublishingAsync();
        var participant = (string)(await App.Control.ParticipantsAsync()).Single()["id"]!;

        // A normal close (1000): the SDK does not try again, so only a new participant brings the page back.
        await App.Control.DropDeviceAsync(participant, closeCode: 1000);

        await Expect(page.Page.Locator(".status-reconnecting")).ToBeVisibleAsync(new() { Timeout = 10_000 });
        var fresh = await EmulatorControl.EventuallyAsync(App.Control.ParticipantsAsync,
            participants => participants.Count == 1 && (string?)participants[0]["id"] != participant && participants[0]["device"] is not null,
            "a fresh participant to replace the one whose connection closed", TimeSpan.FromSeconds(40));
        await page.WaitUntilPublishingAsync();
        await Expect(page.Page.Locator(".status-reconnecting")).ToHaveCountAsync(0);
        Assert.NotEqual(participant, (string)fresh.Single()["id"]!);
    }

    [BrowserFact]
    public async Task TheModule_MarksTheMomentsOfTheJoin_ForThePageTiming()
    {
        var page = await CallPage.OpenAsync(Context, App.BaseUrl);
        await page.WaitUntilPublishingAsync();

        var marks = await page.Page.EvaluateAsync<string[]>(
            "() => performance.getEntriesByType('mark').map(m => m.name).filter(n => n.startsWith('helloworld:'))");

        Assert.Equal(["helloworld:sdk-loaded", "helloworld:client-created", "helloworld:joined", "helloworld:published"], marks);
    }
}

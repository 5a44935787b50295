using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static HelloWorld.Blazor.Conference.PhoneNumberMask;
using static Microsoft.Playwright.Assertions;

namespace HelloWorld.Blazor.Tests.Browser;

/// <summary>
/// The call page as a person meets it, one scenario a test, each state checked for accessibility on the way: what it says
/// and announces, where focus goes, what it plays, and how it behaves when the app is out of reach.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class CallPageExperienceBrowserTests(ChromiumFixture chromium) : AppInBrowserTest(chromium, Settings)
{
    private const string OutboundPhone = "+19195550123";
    private const string Phone = "+19195550124";

    /// <summary>A tab that loses the app gives up after two quick attempts, instead of minutes of them.</summary>
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["CallPage:ReconnectAttempts"] = "2",
        ["CallPage:ReconnectInterval"] = "00:00:00.500",
    };

    [BrowserFact]
    public async Task PlacedCall_RingsBack_FocusesItsHangUp_IsAnnouncedAndLoggedOnce_AndHangingUpReturnsFocusToCall()
    {
        await CallPage.ObserveAsync(Context);
        var page = await CallPage.OpenAsync(Context, App.BaseUrl);
        await page.WaitUntilPublishingAsync();
        await Expect(page.Page.Locator(".waiting")).ToHaveTextAsync("Waiting for someone to join…");
        await Accessibility.AssertAccessibleAsync(page.Page, "alone in the call");
        var simulator = await PhoneSimulatorPage.OpenAsync(Context, App.BaseUrl);

        await page.Page.ClickAsync(".call-button");

        var hangUp = page.Page.Locator($".phone-calls button[aria-label='Hang up {OutboundPhone}']");
        await Expect(hangUp).ToBeFocusedAsync(new() { Timeout = 20_000 });
        await Expect(page.Page.Locator(".ringing-indicator")).ToBeVisibleAsync();
        await EmulatorControl.EventuallyAsync(page.OscillatorsAsync, playing => playing == 2, "the ringback to play");
        await Accessibility.AssertAccessibleAsync(page.Page, "a placed call ringing");
        await Expect(simulator.Status(OutboundPhone)).ToHaveTextAsync("Incoming call…", new() { Timeout = 30_000 });
        await Accessibility.AssertAccessibleAsync(simulator.Page, "a phone ringing");

        await simulator.Key(OutboundPhone, "answer").ClickAsync();

        await page.WaitForStreamAsync($"Phone {OutboundPhone}");
        await Expect(page.Page.Locator(".connected")).ToHaveTextAsync("Hooray! You're connected!");
        Assert.Equal(0, await page.OscillatorsAsync());
        await Expect(page.Page.Locator(".heard-level")).ToHaveAttributeAsync("data-level", new Regex("low|high"), new() { Timeout = 10_000 });
        await Expect(simulator.TalkTime(OutboundPhone)).ToHaveTextAsync(new Regex(@"^Talk time \d+:\d\d$"));
        await Accessibility.AssertAccessibleAsync(page.Page, "a phone in the call");
        await Accessibility.AssertAccessibleAsync(simulator.Page, "a phone in the call");

        await hangUp.ClickAsync();

        await Expect(page.Page.Locator(".call-button")).ToBeFocusedAsync(new() { Timeout = 20_000 });
        await Expect(page.Page.Locator(".waiting")).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await EmulatorControl.EventuallyAsync(page.AnnouncementsAsync, said => said.Contains("You are alone in the call."), "the page to say the caller is alone");
        await EmulatorControl.EventuallyAsync(page.AnnouncementsAsync, said => said.Length == 4, "the call's end to be announced");
        var announced = await page.AnnouncementsAsync();
        // Each once. The phone's stream and its call end on separate paths (the SDK, the webhook), in either order.
        Assert.Equal(["You joined the call.", $"Phone {OutboundPhone} joined the call."], announced[..2]);
        Assert.Equal([$"The call with {OutboundPhone} ended.", "You are alone in the call."], announced[2..].Order());
        var log = page.Page.Locator(".call-log");
        await log.Locator("summary").ClickAsync();
        var lines = await log.Locator("li").AllInnerTextsAsync();
        Assert.All(lines, line => Assert.Matches(@"^\d\d:\d\d:\d\d ", line));
        Assert.Equal(
            ["You joined the call.", $"Calling {OutboundPhone}…", $"{OutboundPhone} answered.", $"Phone {OutboundPhone} joined the call."],
            lines.Select(line => line[9..]).Take(4));
        Assert.Equal([$"The call with {OutboundPhone} ended.", "You are alone in the call."], lines.Select(line => line[9..]).Skip(4).Order());
        await Accessibility.AssertAccessibleAsync(page.Page, "the call ended, its log open");
        await Accessibility.AssertAccessibleAsync(simulator.Page, "the call ended");
    }

    [BrowserFact]
    public async Task LostConnectionToTheApp_PutsTheCallOnHoldInSight_ThenOffersRejoin_WhichJoinsAgain_WithoutAnErrorBar()
    {
        var page = await Context.NewPageAsync();
        // The circuit's socket, passed through until the test cuts it; then every attempt to reach the app fails.
        var link = await CircuitLink.RouteAsync(page);
        await page.GotoAsync(App.BaseUrl + "/");
        var call = new CallPage(page);
        await call.WaitUntilPublishingAsync();
        await App.Control.DialInAsync(Phone);
        await call.WaitForStreamAsync($"Phone {Mask(Phone)}");

        await link.CutAsync();

        var banner = page.Locator("#components-reconnect-modal");
        await Expect(banner).ToContainTextAsync("Reconnecting to the app…");
        await Expect(page.Locator("html")).ToHaveAttributeAsync("data-circuit", new Regex(".+"));
        await Expect(page.Locator("main")).ToHaveAttributeAsync("inert", "");
        await EmulatorControl.EventuallyAsync(() => OnHoldAsync(page), held => held, "the remote audio paused and the microphone off");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "reconnecting");
        var rejoin = banner.Locator("button", new() { HasTextString = "Rejoin" });
        await Expect(rejoin).ToBeVisibleAsync(new() { Timeout = 20_000 });
        await Expect(rejoin).ToBeFocusedAsync();
        await Expect(banner).ToContainTextAsync("The page lost its connection to the app.");
        await Accessibility.AssertNoSeriousViolationsAsync(page, "gave up reconnecting");
        await Accessibility.AssertTouchTargetsAsync(page, "gave up reconnecting");

        link.Restore();
        await rejoin.ClickAsync();

        // The page behind the banner still shows the call as it was: only the banner's going says the circuit is back,
        // which under load takes longer than an assertion's default 5 s.
        await Expect(banner).ToBeHiddenAsync(new() { Timeout = 20_000 });
        await Expect(page.Locator("main")).Not.ToHaveAttributeAsync("inert", "");
        await call.WaitUntilPublishingAsync();
        await call.WaitForStreamAsync($"Phone {Mask(Phone)}");
        await EmulatorControl.EventuallyAsync(() => OnHoldAsync(page), held => !held, "the call to come off hold");
        await Expect(page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
    }

    [BrowserFact]
    public async Task MicrophoneDenied_IsExplainedBesideTheMicrophone_WithATryAgainThatPublishesOnceAllowed()
    {
        // The browser's answer to the permission prompt, as a person gives it: no the first time, yes after.
        await Context.AddInitScriptAsync("""
            (() => {
              const ask = navigator.mediaDevices.getUserMedia.bind(navigator.mediaDevices);
              let asked = 0;
              navigator.mediaDevices.getUserMedia = (constraints) => ++asked === 1
                ? Promise.reject(new DOMException("Permission denied", "NotAllowedError"))
                : ask(constraints);
            })();
            """);
        var page = await CallPage.OpenAsync(Context, App.BaseUrl);

        var problem = page.Page.Locator(".me .status-microphone-denied");
        await Expect(problem).ToContainTextAsync("The browser did not allow your microphone", new() { Timeout = 30_000 });
        await Expect(page.Page.Locator(".dtmf-unavailable")).ToHaveCountAsync(0); // no phone yet: no keypad to explain
        await Accessibility.AssertAccessibleAsync(page.Page, "microphone denied");

        await problem.Locator(".retry").ClickAsync();

        await page.WaitUntilPublishingAsync();
        await Expect(problem).ToHaveCountAsync(0);
    }

    [BrowserFact]
    public async Task SpeakerPicker_ListsTheBrowsersOutputs_AndPlaysEveryStreamOnTheChosenOne()
    {
        var page = await CallPage.OpenAsync(Context, App.BaseUrl);
        await page.WaitUntilPublishingAsync();
        await App.Control.DialInAsync(Phone);
        await page.WaitForStreamAsync($"Phone {Mask(Phone)}");
        var outputs = await page.Page.EvaluateAsync<string[]>(
            "async () => (await navigator.mediaDevices.enumerateDevices()).filter(d => d.kind === 'audiooutput').map(d => d.deviceId)");
        Assert.NotEmpty(outputs); // Chromium's fake devices include speakers; without them this test would prove nothing

        var picker = page.Page.Locator(".speaker-picker");
        Assert.Equal(outputs, await picker.Locator("option").EvaluateAllAsync<string[]>("options => options.map(o => o.value)"));
        await picker.SelectOptionAsync(outputs[^1]);

        await EmulatorControl.EventuallyAsync(
            () => page.Page.EvaluateAsync<string[]>("() => [...document.querySelectorAll('.remote-stream audio')].map(a => a.sinkId)"),
            sinks => sinks.Length == 1 && sinks.All(sink => sink == outputs[^1] || (outputs[^1] == "default" && sink == "")),
            "the phone's stream to play on the chosen speaker");
    }

    private static Task<bool> OnHoldAsync(IPage page) => page.EvaluateAsync<bool>("""
        () => {
          const audio = [...document.querySelectorAll(".remote-stream audio")];
          const microphones = (window.__peerConnections ?? []).flatMap(c => c.getSenders()).map(s => s.track).filter(t => t?.kind === "audio");
          return audio.length > 0 && audio.every(a => a.paused) && microphones.length > 0 && microphones.every(t => !t.enabled);
        }
        """);
}

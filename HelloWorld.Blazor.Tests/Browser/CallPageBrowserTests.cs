using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static HelloWorld.Blazor.Conference.PhoneNumberMask;
using static Microsoft.Playwright.Assertions;

namespace HelloWorld.Blazor.Tests.Browser;

/// <summary>The call page's own behaviour in Chromium with the unmodified browser SDK: its failure states and its controls.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class CallPageBrowserTests(ChromiumFixture chromium) : AppInBrowserTest(chromium)
{
    /// <summary>rpc-websockets' reconnect interval as the SDK leaves it: one attempt a second while a loop runs.</summary>
    private static readonly TimeSpan ReconnectInterval = TimeSpan.FromSeconds(1);

    private const string Phone = "+19195550124";

    [BrowserFact]
    public async Task ConnectFailure_StopsTheSdksReconnectLoop_AndDeletesTheParticipant()
    {
        var page = await Context.NewPageAsync();
        var attempts = 0;
        var closing = new List<Task>();
        // A device endpoint that drops every connection (code 1011): the SDK's socket then retries every second, the
        // loop that must end once the page has given up.
        await page.RouteWebSocketAsync(new Regex("/emulator/device/"), socket =>
        {
            Interlocked.Increment(ref attempts);
            lock (closing)
            {
                closing.Add(socket.CloseAsync(new() { Code = 1011, Reason = "unavailable" }));
            }
        });

        await page.GotoAsync(App.BaseUrl + "/");
        await Expect(page.Locator(".status-connect-failed")).ToBeVisibleAsync(new() { Timeout = 40_000 });
        var atFailure = Volatile.Read(ref attempts);
        // Watching for a few reconnect intervals is the observation itself: a loop still running shows up in that time.
        await Task.Delay(3 * ReconnectInterval + TimeSpan.FromMilliseconds(500));
        var afterwards = Volatile.Read(ref attempts);

        Assert.True(atFailure >= 5, $"the SDK made {atFailure} attempts before the page gave up; the endpoint did not make it retry");
        Assert.Equal(atFailure, afterwards);
        await EmulatorControl.EventuallyAsync(App.Control.ParticipantsAsync, participants => participants.Count == 0,
            "the participant of the page that could not connect to be deleted");
        Task[] closed;
        lock (closing)
        {
            closed = [.. closing];
        }
        await Task.WhenAll(closed);
    }

    /// <summary>The module asks Intl for the zone ahead of the circuit's question (its first call is slow): still the browser's.</summary>
    [BrowserFact]
    public async Task CallLog_ShowsItsTimesInTheBrowsersTimeZone()
    {
        await using var tokyo = await Context.Browser!.NewContextAsync(new() { Permissions = ["microphone"], TimezoneId = "Asia/Tokyo" });
        var page = await CallPage.OpenAsync(tokyo, App.BaseUrl);

        await page.WaitUntilPublishingAsync();

        var time = page.Page.Locator(".call-log time").Last;
        var at = DateTimeOffset.Parse(await time.GetAttributeAsync("datetime") ?? "", System.Globalization.CultureInfo.InvariantCulture);
        var inTokyo = TimeZoneInfo.ConvertTime(at, TimeZoneInfo.FindSystemTimeZoneById("Asia/Tokyo"));
        await Expect(time).ToHaveTextAsync(inTokyo.ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture));
    }

    [BrowserFact]
    public async Task MicrophoneMeter_SaysWhatItMeasures_HearsTheFakeMicrophonesBeep_AndSaysMutedWhenMuted()
    {
        var page = await CallPage.OpenAsync(Context, App.BaseUrl);
        await page.WaitUntilPublishingAsync();
        var meter = page.Page.Locator(".microphone-level");

        // Chromium's fake microphone beeps about once a second; the SDK's detector reports "high" during a beep. Checked
        // on every animation frame: an assertion's own polling backs off to once a second, in step with the beep, and
        // could miss every one of them.
        await page.Page.WaitForFunctionAsync(
            "() => { const meter = document.querySelector('.microphone-level'); " +
            "return meter?.dataset.level === 'high' && meter.querySelector('.level-text')?.textContent === 'sound'; }",
            null, new() { Timeout = 10_000 });
        await Expect(meter).ToContainTextAsync("Your microphone:");

        await page.Page.ClickAsync(".mute-toggle");

        await Expect(meter.Locator(".level-text")).ToHaveTextAsync("muted");
        await Expect(page.Page.Locator(".mute-toggle")).ToHaveTextAsync("Unmute");
        await Expect(page.Page.Locator(".mute-toggle")).ToHaveAttributeAsync("aria-pressed", "true");
    }

    [BrowserFact]
    public async Task Layout_AtDesktopAndPhoneWidths_FitsTheScreen_TitlesTheCallsAbove_AndAlignsTheMicrophoneRow()
    {
        var page = await CallPage.OpenAsync(Context, App.BaseUrl);
        await page.WaitUntilPublishingAsync();
        await Expect(page.Page.Locator(".dtmf-keypad")).ToHaveCountAsync(0); // no phone in the call, nobody to hear tones
        await App.Control.DialInAsync(Phone);
        await page.WaitForStreamAsync($"Phone {Mask(Phone)}");
        await Expect(page.Page.Locator(".dtmf-label")).ToHaveTextAsync("Keypad: the tones go to the phone in the call.");

        foreach (var width in new[] { 1200, 390 })
        {
            await page.Page.SetViewportSizeAsync(width, 900);

            var overflow = await page.Page.EvaluateAsync<int>("() => document.documentElement.scrollWidth - document.documentElement.clientWidth");
            Assert.True(overflow <= 0, $"at {width}px the page is {overflow}px wider than the screen");
            var caption = await BoxAsync(page.Page.Locator(".phone-calls caption"));
            var firstCall = await BoxAsync(page.Page.Locator(".phone-calls tbody tr").First);
            Assert.True(caption.Y + caption.Height <= firstCall.Y + 1, $"at {width}px the caption ({caption.Y}) is not above the calls ({firstCall.Y})");
            var label = await BoxAsync(page.Page.Locator(".me label[for=microphone]"));
            var picker = await BoxAsync(page.Page.Locator(".microphone-picker"));
            var centres = Math.Abs(label.Y + label.Height / 2 - (picker.Y + picker.Height / 2));
            Assert.True(centres <= 2, $"at {width}px the Microphone label's centre is {centres}px off the picker's");
        }
    }

    private static async Task<LocatorBoundingBoxResult> BoxAsync(ILocator locator) =>
        await locator.BoundingBoxAsync() ?? throw new Xunit.Sdk.XunitException($"{locator} is not visible");
}

using Microsoft.Playwright;
using static HelloWorld.Blazor.Conference.PhoneNumberMask;
using static Microsoft.Playwright.Assertions;

namespace HelloWorld.Blazor.Tests.Browser;

/// <summary>Every flow of the sample in real Chromium, with the unmodified browser SDK, against the emulator.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class CallFlowBrowserTests(ChromiumFixture chromium) : AppInBrowserTest(chromium)
{
    private const string Phone = "+19195550124";
    private const string OutboundPhone = "+19195550123";

    private static readonly LocatorAssertionsToHaveTextOptions Patiently = new() { Timeout = 30_000 };

    /// <summary>The phone simulator as its user sees it, its phones idle.</summary>
    private async Task<PhoneSimulatorPage> OpenPhoneSimulatorAsync()
    {
        var simulator = await PhoneSimulatorPage.OpenAsync(Context, App.BaseUrl);
        await Expect(simulator.Status(OutboundPhone)).ToHaveTextAsync("Idle");
        return simulator;
    }

    [BrowserFact]
    public async Task PageLoad_ConnectsAndPublishes_WithExactlyOneParticipantInTheSession()
    {
        var page = await CallPage.OpenAsync(Context, App.BaseUrl);

        await page.WaitUntilPublishingAsync();

        await Expect(page.Page.Locator(".dial-hint")).ToHaveTextAsync("Dial +19195550100 to chat with this browser");
        var sessions = await App.Control.SessionsAsync();
        var session = Assert.Single(sessions["sessions"]!.AsArray());
        var participant = Assert.Single(session!["participants"]!.AsArray())!;
        Assert.Equal("hello-world-browser", (string?)participant["tag"]);
        Assert.Single(participant["streams"]!.AsArray());
        Assert.Equal(["AUDIO"], participant["publishPermissions"]!.AsArray().Select(p => (string?)p));
    }

    [BrowserFact]
    public async Task DialIn_ShowsThePhonesStreamLabelledWithItsNumber_AndHangUpRemovesStreamAndParticipant()
    {
        var page = await CallPage.OpenAsync(Context, App.BaseUrl);
        await page.WaitUntilPublishingAsync();

        var callId = (string)(await App.Control.DialInAsync(Phone))["callId"]!;
        await page.WaitForStreamAsync($"Phone {Mask(Phone)}");
        await Expect(page.Page.Locator(".connected")).ToHaveTextAsync("Hooray! You're connected!");
        await Expect(page.Page.Locator(".phone-calls")).ToContainTextAsync("In the call");
        var phoneParticipant = (string?)(await App.Control.CallAsync(callId))!["participantId"];
        Assert.NotNull(phoneParticipant);
        Assert.Contains(await App.Control.ParticipantsAsync(), p => (string?)p["id"] == phoneParticipant);

        await App.Control.HangUpAsync(callId);

        await Expect(page.RemoteStreams).ToHaveCountAsync(0, new() { Timeout = 20_000 });
        await EmulatorControl.EventuallyAsync(App.Control.ParticipantsAsync,
            participants => participants.All(p => (string?)p["id"] != phoneParticipant), "the phone's participant to be deleted");
        // Not this tab's call: it leaves the list when it ends (a tab's history holds its own calls only).
        await Expect(page.Page.Locator(".phone-calls")).ToHaveCountAsync(0);
    }

    [BrowserFact]
    public async Task CallButton_RingsThePhone_WhichAnswersHearsTheSentenceAndJoins_ThenHangUpFromThePageEndsItOnBothSides()
    {
        var page = await CallPage.OpenAsync(Context, App.BaseUrl);
        await page.WaitUntilPublishingAsync();

        await page.Page.ClickAsync(".call-button");
        await Expect(page.Page.Locator(".ringing-indicator")).ToBeVisibleAsync(CallPage.Patiently);
        var ringing = await EmulatorControl.EventuallyAsync(App.Control.CallsAsync,
            calls => calls.Any(c => (string?)c!["state"] == "ringing"), "the phone to ring");
        var callId = (string)ringing.Single()!["callId"]!;
        Assert.Equal(OutboundPhone, (string?)ringing.Single()!["to"]);
        Assert.True(await page.Page.Locator(".call-button").IsDisabledAsync());

        await App.Control.AnswerAsync(callId);

        await page.WaitForStreamAsync($"Phone {OutboundPhone}");
        var answered = await App.Control.CallAsync(callId);
        Assert.Equal("transferred", (string?)answered!["state"]);
        Assert.Equal(["Thank you. Connecting you to your conference now."], answered["heard"]!.AsArray().Select(s => (string?)s));

        await page.Page.ClickAsync($".phone-calls [data-call-key='{callId}'] button");

        await EmulatorControl.EventuallyAsync(() => App.Control.CallAsync(callId), c => (string?)c!["state"] == "completed", "the call to end");
        await Expect(page.RemoteStreams).ToHaveCountAsync(0, new() { Timeout = 20_000 });
        await Expect(page.Page.Locator($".phone-calls [data-call-key='{callId}']")).ToContainTextAsync("Ended");
        await Expect(page.Page.Locator(".call-button")).ToBeEnabledAsync();
    }

    [BrowserFact]
    public async Task CallButton_RingsThePhoneSimulator_WhoseAnswerButtonPutsThePhoneInTheCall()
    {
        var page = await CallPage.OpenAsync(Context, App.BaseUrl);
        await page.WaitUntilPublishingAsync();
        var phone = await OpenPhoneSimulatorAsync();

        await page.Page.ClickAsync(".call-button");

        await Expect(phone.Status(OutboundPhone)).ToHaveTextAsync("Incoming call…", Patiently);
        await Expect(phone.Peer(OutboundPhone)).ToHaveTextAsync("from +19195550100");
        await phone.Key(OutboundPhone, "answer").ClickAsync();
        await Expect(phone.Status(OutboundPhone)).ToHaveTextAsync("In the call", Patiently);
        await Expect(phone.Heard(OutboundPhone)).ToContainTextAsync("Thank you. Connecting you to your conference now.");
        await page.WaitForStreamAsync($"Phone {OutboundPhone}");
        await Expect(page.Page.Locator(".phone-calls")).ToContainTextAsync("In the call");
    }

    [BrowserFact]
    public async Task CallButton_DeclinedOnThePhoneSimulator_EndsTheCallRejected_AndBothPagesShowIt()
    {
        var page = await CallPage.OpenAsync(Context, App.BaseUrl);
        await page.WaitUntilPublishingAsync();
        var phone = await OpenPhoneSimulatorAsync();
        await page.Page.ClickAsync(".call-button");
        await Expect(phone.Status(OutboundPhone)).ToHaveTextAsync("Incoming call…", Patiently);

        await phone.Key(OutboundPhone, "decline").ClickAsync();

        await Expect(phone.Status(OutboundPhone)).ToHaveTextAsync("Idle", Patiently);
        await Expect(phone.Log.First).ToContainTextAsync("ended (rejected)");
        var call = Assert.Single(await App.Control.CallsAsync())!;
        Assert.Equal(("completed", "rejected"), ((string?)call["state"], (string?)call["cause"]));
        await Expect(page.Page.Locator($".phone-calls [data-call-key='{call["callId"]}']")).ToContainTextAsync("Ended (rejected)", new() { Timeout = 30_000 });
        await Expect(page.Page.Locator(".call-button")).ToBeEnabledAsync();
        await Expect(page.RemoteStreams).ToHaveCountAsync(0);
    }

    [BrowserFact]
    public async Task TwoTabs_SeeEachOther_AndClosingOne_RemovesItsStreamAndDeletesItsParticipant()
    {
        var first = await CallPage.OpenAsync(Context, App.BaseUrl);
        var second = await CallPage.OpenAsync(Context, App.BaseUrl);
        await first.WaitUntilPublishingAsync();
        await second.WaitUntilPublishingAsync();

        await first.WaitForStreamAsync("Browser");
        await second.WaitForStreamAsync("Browser");
        Assert.Equal(2, (await App.Control.ParticipantsAsync()).Count);

        await second.Page.CloseAsync();

        await Expect(first.RemoteStreams).ToHaveCountAsync(0, new() { Timeout = 20_000 });
        await EmulatorControl.EventuallyAsync(App.Control.ParticipantsAsync, participants => participants.Count == 1,
            "the closed tab's participant to be deleted once its circuit ends");
    }

    [BrowserFact]
    public async Task Keypad_TwelveDigitsPressed30msApart_AllReachThePhone_InOrder()
    {
        var page = await CallPage.OpenAsync(Context, App.BaseUrl);
        await page.WaitUntilPublishingAsync();
        var callId = (string)(await App.Control.DialInAsync(Phone))["callId"]!;
        await page.WaitForStreamAsync($"Phone {Mask(Phone)}");
        const string digits = "123456789*0#";

        // Pressed in the page itself, 30 ms apart, faster than a tone and its gap take: a round trip from the test per key
        // would space them out by itself.
        await page.Page.EvaluateAsync("""
            async (digits) => {
              const keys = [...document.querySelectorAll(".dtmf-keypad button")];
              for (const digit of digits) {
                keys.find(key => key.textContent === digit).click();
                await new Promise(resolve => setTimeout(resolve, 30));
              }
            }
            """, digits);

        await EmulatorControl.EventuallyAsync(() => App.Control.CallAsync(callId),
            c => (string?)c!["phone"]?["dtmfDigits"] == digits, $"the phone to hear {digits}");
    }

    [BrowserFact]
    public async Task ConnectedPage_DoesNotKeepRestartingIce()
    {
        var page = await CallPage.OpenAsync(Context, App.BaseUrl);
        await page.WaitUntilPublishingAsync();

        // The SDK restarts ICE (a new offer) each time a connection fails, and Chromium fails a connection whose DTLS does
        // not complete or whose consent checks go unanswered. So: every connection connected, then answered a few more
        // consent checks than it had when it connected, and still connected; only then are the offers counted.
        var connected = await EmulatorControl.EventuallyAsync(() => ConnectionsAsync(page),
            connections => connections.Count > 0 && connections.All(c => c.State == "connected"), "every connection of the page to connect");
        await EmulatorControl.EventuallyAsync(() => ConnectionsAsync(page),
            connections => connections.Count == connected.Count && connections.Zip(connected).All(
                pair => pair.First.State == "connected" && pair.First.ConsentResponses >= pair.Second.ConsentResponses + 2),
            "every connection to keep answering consent checks");

        var participant = (await App.Control.ParticipantsAsync()).Single();
        Assert.Equal(2, (int)participant["device"]!["offerSdpCount"]!); // publish() offers twice: data channels first, then the microphone
    }

    /// <summary>The page's open RTCPeerConnections, in creation order: state, and STUN responses on their candidate pairs.</summary>
    private static async Task<IReadOnlyList<PeerConnection>> ConnectionsAsync(CallPage page) =>
        await page.Page.EvaluateAsync<PeerConnection[]>("""
            async () => Promise.all((window.__peerConnections ?? []).filter(c => c.connectionState !== "closed").map(async c => {
              let consentResponses = 0;
              (await c.getStats()).forEach(report => { if (report.type === "candidate-pair") consentResponses += report.responsesReceived ?? 0; });
              return { state: c.connectionState, consentResponses };
            }))
            """);

    /// <remarks>Settable properties: Playwright fills a result's type through its parameterless constructor.</remarks>
    private sealed class PeerConnection
    {
        public string State { get; set; } = "";

        public long ConsentResponses { get; set; }
    }
}

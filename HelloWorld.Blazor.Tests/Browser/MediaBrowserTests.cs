using Microsoft.Playwright;
using static HelloWorld.Blazor.Conference.PhoneNumberMask;
using static Microsoft.Playwright.Assertions;

namespace HelloWorld.Blazor.Tests.Browser;

/// <summary>Sound, end to end: a person at one end is heard at the other, through the emulator's relay.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
[Trait("Category", "Media")]
public sealed class MediaBrowserTests(ChromiumFixture chromium) : AppInBrowserTest(chromium, Settings)
{
    private const string Phone = "+19195550124";
    private static readonly TimeSpan Listening = TimeSpan.FromSeconds(3);

    /// <summary>Short, so that a test can wait it out; Chromium checks consent every 1-2.5 s, well within it.</summary>
    private static readonly TimeSpan ConsentTimeout = TimeSpan.FromSeconds(8);

    /// <summary>The consent timer's 1 s tick, the offer that withdraws the stream, and the page applying it.</summary>
    private static readonly TimeSpan ConsentMargin = TimeSpan.FromSeconds(5);

    private static readonly Dictionary<string, string?> Settings = new() { ["Emulator:MediaConsentTimeout"] = ConsentTimeout.ToString() };

    [BrowserFact]
    public async Task TwoTabs_EachHearsTheOthersMicrophone()
    {
        var first = await CallPage.OpenAsync(Context, App.BaseUrl);
        var second = await CallPage.OpenAsync(Context, App.BaseUrl);
        await first.WaitUntilPublishingAsync();
        await second.WaitUntilPublishingAsync();
        var secondAsHeardByFirst = await first.WaitForStreamAsync("Browser");
        var firstAsHeardBySecond = await second.WaitForStreamAsync("Browser");

        var packetsBefore = (await first.PacketsReceivedAsync(), await second.PacketsReceivedAsync());
        var heardByFirst = await first.MeasureAsync(secondAsHeardByFirst, Listening);
        var heardBySecond = await second.MeasureAsync(firstAsHeardBySecond, Listening);
        var packetsAfter = (await first.PacketsReceivedAsync(), await second.PacketsReceivedAsync());

        Assert.True(packetsAfter.Item1 > packetsBefore.Item1 + 50, $"the first tab received {packetsAfter.Item1 - packetsBefore.Item1} packets");
        Assert.True(packetsAfter.Item2 > packetsBefore.Item2 + 50, $"the second tab received {packetsAfter.Item2 - packetsBefore.Item2} packets");
        Assert.True(heardByFirst.IsAudible, $"the first tab heard {heardByFirst}");
        Assert.True(heardBySecond.IsAudible, $"the second tab heard {heardBySecond}");
    }

    [BrowserFact]
    public async Task PhonesVoice_IsHeardInThePage()
    {
        var page = await CallPage.OpenAsync(Context, App.BaseUrl);
        await page.WaitUntilPublishingAsync();
        await App.Control.DialInAsync(Phone);
        var phone = await page.WaitForStreamAsync($"Phone {Mask(Phone)}");

        var heard = await page.MeasureAsync(phone, Listening);

        Assert.True(heard.IsAudible, $"the page heard {heard}");
    }

    [BrowserFact]
    public async Task PhoneSetToEcho_SendsThePagesOwnMicrophoneBack_AndSilenceWhileThePageIsMuted()
    {
        var page = await CallPage.OpenAsync(Context, App.BaseUrl);
        await page.WaitUntilPublishingAsync();
        var call = await App.Control.DialInAsync(Phone);
        var callId = (string)call["callId"]!;
        var phone = await page.WaitForStreamAsync($"Phone {Mask(Phone)}");
        await App.Control.SetEchoAsync(callId, enabled: true);

        // While echoing, the phone says nothing of its own: muted, the page must hear silence from it (the phone's tone
        // would be heard here), and unmuted its own beep, having gone there and back (a silent echo would fail here).
        await page.SetMutedAsync(true);
        await page.Page.EvaluateAsync("() => new Promise(resolve => setTimeout(resolve, 1000))"); // let buffered audio drain
        var whileMuted = await page.MeasureAsync(phone, Listening);
        await page.SetMutedAsync(false);
        await page.Page.EvaluateAsync("() => new Promise(resolve => setTimeout(resolve, 500))");
        var unmuted = await page.MeasureAsync(phone, Listening);
        var echoed = await App.Control.CallAsync(callId);

        Assert.True(whileMuted.IsSilent, $"the page heard {whileMuted} from the echoing phone while muted");
        Assert.True(unmuted.IsAudible, $"the page heard {unmuted} from the echoing phone");
        Assert.True((long)echoed!["phone"]!["packetsReceived"]! > 50, "the phone heard the page");
        Assert.True((double?)echoed["phone"]!["receivedLevel"] > 0, "the phone measured a level");
    }

    [BrowserFact]
    public async Task NegativeControl_WithForwardingOff_TheSameMeasurementReadsSilence()
    {
        var page = await CallPage.OpenAsync(Context, App.BaseUrl);
        await page.WaitUntilPublishingAsync();
        await App.Control.DialInAsync(Phone);
        var phone = await page.WaitForStreamAsync($"Phone {Mask(Phone)}");
        Assert.True((await page.MeasureAsync(phone, Listening)).IsAudible, "the phone is heard before forwarding is switched off");

        await App.Control.SetForwardingAsync(phone, enabled: false);
        await page.Page.EvaluateAsync("() => new Promise(resolve => setTimeout(resolve, 1000))"); // let buffered audio drain
        var silenced = await page.MeasureAsync(phone, Listening);

        Assert.True(silenced.IsSilent, $"the page still heard {silenced} with forwarding off");
        await Expect(page.RemoteStream($"Phone {Mask(Phone)}")).ToBeVisibleAsync(); // the stream is there, only silent
    }

    [BrowserFact]
    public async Task ClosingATab_TheOtherTabLosesItsStream_AsSoonAsItsSocketCloses()
    {
        var first = await CallPage.OpenAsync(Context, App.BaseUrl);
        var second = await CallPage.OpenAsync(Context, App.BaseUrl);
        await first.WaitUntilPublishingAsync();
        await second.WaitUntilPublishingAsync();
        await first.WaitForStreamAsync("Browser");

        await second.Page.CloseAsync(new PageCloseOptions { RunBeforeUnload = false });

        // Well within the consent timeout: the closed WebSocket withdraws the stream, not the missing consent checks.
        await Expect(first.RemoteStreams).ToHaveCountAsync(0, new() { Timeout = (float)(ConsentTimeout - TimeSpan.FromSeconds(3)).TotalMilliseconds });
    }

    [BrowserFact]
    public async Task ATabWhoseMediaBreaks_WhileItsSocketStaysOpen_LosesItsStreamInTheOtherTab_WithinTheConsentTimeout()
    {
        var first = await CallPage.OpenAsync(Context, App.BaseUrl);
        var second = await CallPage.OpenAsync(Context, App.BaseUrl);
        await first.WaitUntilPublishingAsync();
        await second.WaitUntilPublishingAsync();
        var secondsStream = await first.WaitForStreamAsync("Browser");
        var secondParticipant = (string)(await App.Control.ParticipantsAsync())
            .Single(participant => participant["streams"]!.AsArray().Any(stream => (string?)stream!["streamId"] == secondsStream))["id"]!;

        await second.BreakMediaKeepingSignalingAsync();

        await Expect(first.RemoteStreams).ToHaveCountAsync(0, new() { Timeout = (float)(ConsentTimeout + ConsentMargin).TotalMilliseconds });
        var device = (await App.Control.ParticipantsAsync()).Single(participant => (string?)participant["id"] == secondParticipant)["device"];
        Assert.Equal("browser", (string?)device?["kind"]); // still connected: it was the lost consent that withdrew the stream
        Assert.Equal("Disconnected", (string?)device?["publishState"]);
    }
}

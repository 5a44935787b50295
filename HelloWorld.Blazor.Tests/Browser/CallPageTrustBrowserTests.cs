using static Microsoft.Playwright.Assertions;

namespace HelloWorld.Blazor.Tests.Browser;

/// <summary>Issue 11.3 in Chromium: a tab controls its own calls only, and sees the numbers of others' calls masked.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class CallPageTrustBrowserTests(ChromiumFixture chromium) : AppInBrowserTest(chromium)
{
    private const string OutboundPhone = "+19195550123";

    [BrowserFact]
    public async Task SecondTab_SeesTheFirstTabsCallMasked_AndCannotHangItUp()
    {
        var first = await CallPage.OpenAsync(Context, App.BaseUrl);
        await first.WaitUntilPublishingAsync();
        await first.Page.ClickAsync(".call-button");
        var ringing = await EmulatorControl.EventuallyAsync(App.Control.CallsAsync,
            calls => calls.Any(c => (string?)c!["state"] == "ringing"), "the phone to ring");
        var callId = (string)ringing.Single()!["callId"]!;
        await App.Control.AnswerAsync(callId);
        await first.WaitForStreamAsync($"Phone {OutboundPhone}");

        var second = await CallPage.OpenAsync(Context, App.BaseUrl);
        await second.WaitUntilPublishingAsync();

        var row = second.Page.Locator(".phone-calls tbody tr");
        await Expect(row).ToHaveCountAsync(1, new() { Timeout = 20_000 });
        await Expect(row.Locator(".number")).ToHaveTextAsync("+1•••••0123");
        await Expect(row.Locator("button")).ToHaveCountAsync(0);
        await second.WaitForStreamAsync("Phone +1•••••0123");
        Assert.DoesNotContain(callId, await second.Page.ContentAsync());
        // The configured number stays on the CALL button (it is the app's own setting); the call's row and stream do not say it.
        Assert.DoesNotContain(OutboundPhone, await second.Page.Locator(".phone-calls").InnerTextAsync());
        Assert.DoesNotContain(OutboundPhone, await second.RemoteStreams.AllInnerTextsAsync() is var labels ? string.Join(" ", labels) : "");
        await Expect(second.Page.Locator(".call-button")).ToBeDisabledAsync(); // the number is in the call, whoever called it
        // The tab that placed the call still ends it.
        await first.Page.ClickAsync($".phone-calls [data-call-key='{callId}'] .hang-up");
        await EmulatorControl.EventuallyAsync(() => App.Control.CallAsync(callId), c => (string?)c!["state"] == "completed", "the call to end");
        await Expect(row).ToHaveCountAsync(0, new() { Timeout = 20_000 });
    }
}

/// <summary>Issue 12.2 in Chromium: a session of three is full for the fourth tab, which joins once a tab leaves.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class CallPageCapacityBrowserTests(ChromiumFixture chromium) : AppInBrowserTest(chromium, Settings)
{
    private static readonly Dictionary<string, string?> Settings = new()
    {
        ["Participants:MaxPerSession"] = "3",
        ["Participants:MaxPerClient"] = "3",
    };

    [BrowserFact]
    public async Task FourthTab_SeesTheCallIsFull_AndJoinsOnceATabLeaves()
    {
        var tabs = new List<CallPage>();
        for (var i = 0; i < 3; i++)
        {
            var tab = await CallPage.OpenAsync(Context, App.BaseUrl);
            await tab.WaitUntilPublishingAsync();
            tabs.Add(tab);
        }

        var fourth = await CallPage.OpenAsync(Context, App.BaseUrl);

        var waiting = fourth.Page.Locator(".status-waiting-for-place");
        await Expect(waiting).ToContainTextAsync("The call is full (3 of 3).", new() { Timeout = 30_000 });
        await Expect(waiting).ToContainTextAsync("joins by itself as soon as a place frees up");
        await Accessibility.AssertNoSeriousViolationsAsync(fourth.Page, "the call is full");
        Assert.Equal(3, (await App.Control.ParticipantsAsync()).Count);

        await tabs[0].Page.CloseAsync();

        await fourth.WaitUntilPublishingAsync();
        await Expect(waiting).ToHaveCountAsync(0);
        await EmulatorControl.EventuallyAsync(App.Control.ParticipantsAsync, participants => participants.Count == 3,
            "the closed tab's participant to be deleted and the fourth tab's to take its place");
    }
}

/// <summary>Issue 11.2 in Chromium: one client address holds at most Participants:MaxPerClient participants.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class CallPageClientCeilingBrowserTests(ChromiumFixture chromium) : AppInBrowserTest(chromium, Settings)
{
    private static readonly Dictionary<string, string?> Settings = new() { ["Participants:MaxPerClient"] = "2" };

    [BrowserFact]
    public async Task ThirdTabOfOneClient_SeesItsCeiling_AndNoParticipantIsMadeForIt()
    {
        for (var i = 0; i < 2; i++)
        {
            await (await CallPage.OpenAsync(Context, App.BaseUrl)).WaitUntilPublishingAsync();
        }

        var third = await CallPage.OpenAsync(Context, App.BaseUrl);

        await Expect(third.Page.Locator(".status-waiting-for-place")).ToContainTextAsync(
            "You are in this call 2 times already", new() { Timeout = 30_000 });
        Assert.Equal(2, (await App.Control.ParticipantsAsync()).Count);
    }
}

using System.Text.RegularExpressions;
using static HelloWorld.Blazor.Conference.PhoneNumberMask;
using static Microsoft.Playwright.Assertions;

namespace HelloWorld.Blazor.Tests.Browser;

/// <summary>
/// The app as a person runs it, in its own process: what its console says at start, and how it stops on SIGTERM with a
/// call going on (a tab in the call, a phone in it, the phone simulator open).
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class ShutdownBrowserTests(ChromiumFixture chromium)
{
    private const string Phone = "+19195550124";
    private static readonly TimeSpan StopsWithin = TimeSpan.FromSeconds(3);

    /// <remarks>Linux only, as CI and the browser tests are: SIGTERM is sent through libc.</remarks>
    [BrowserFact]
    public async Task Sigterm_WithATabAndAPhoneInTheCall_StopsWithin3Seconds_WithoutAFailLine_AndThePageSaysSoWithoutAnErrorBar()
    {
        await using var app = await AppProcess.StartAsync();
        await using var context = await chromium.NewContextAsync();
        var page = await CallPage.OpenAsync(context, app.BaseUrl);
        var browserConsole = new List<string>();
        page.Page.Console += (_, message) => { lock (browserConsole) { browserConsole.Add($"{message.Type}: {message.Text}"); } };
        await page.WaitUntilPublishingAsync();
        await PhoneSimulatorPage.OpenAsync(context, app.BaseUrl);
        using var http = new HttpClient();
        await new EmulatorControl(http, app.BaseUrl).DialInAsync(Phone);
        await page.WaitForStreamAsync($"Phone {Mask(Phone)}");

        var took = await app.TerminateAsync(TimeSpan.FromSeconds(40));

        Assert.True(app.HasExited, "the app was still running 40 s after SIGTERM");
        var console = string.Join('\n', app.Output);
        Assert.True(took <= StopsWithin, $"the app took {took.TotalSeconds:0.0} s to stop:\n{console}");
        Assert.DoesNotMatch(new Regex(@"^(fail|crit): ", RegexOptions.Multiline), console);
        await Expect(page.Page.Locator(".status-app-stopped")).ToContainTextAsync("The app has stopped, so this page left the call.");
        await Expect(page.Page.Locator("#components-reconnect-modal")).ToContainTextAsync(new Regex("Reconnecting to the app…|lost its connection"));
        await Expect(page.Page.Locator("#blazor-error-ui")).ToBeHiddenAsync();
        // Hidden, and still hidden once every attempt to reach the stopped app has had time to fail.
        await Task.Delay(TimeSpan.FromSeconds(3));
        string errors;
        lock (browserConsole)
        {
            errors = string.Join('\n', browserConsole);
        }
        Assert.False(await page.Page.Locator("#blazor-error-ui").IsVisibleAsync(), $"the error bar appeared; the browser's console:\n{errors}");
    }

    [BrowserFact]
    public async Task StartUp_SaysInOneInformationLineWhereTheCallPageAndThePhoneSimulatorAre_AndNamesEveryAccountSetting()
    {
        await using var app = await AppProcess.StartAsync();
        await using var context = await chromium.NewContextAsync();
        var page = await CallPage.OpenAsync(context, app.BaseUrl);
        await page.WaitUntilPublishingAsync(); // a join: what it logs is checked too

        var console = string.Join('\n', app.Output);
        var open = $"Open http://localhost:{app.Port}/ for the call page and http://localhost:{app.Port}/emulator/phone for the phone simulator";
        Assert.Matches(new Regex($@"^info: HelloWorld\.Blazor\.Components\.Hosting\.CallPageAnnouncer\[4102\]\n\s+{Regex.Escape(open)}$", RegexOptions.Multiline), console);
        var emulator = Regex.Match(console, @"^info: [^\n]*EmulatorAnnouncer\[1020\]\n\s+(?<message>.+)$", RegexOptions.Multiline);
        Assert.True(emulator.Success, $"no emulator-mode line at Information:\n{console}");
        foreach (var setting in new[] { "AccountId", "Username", "Password", "VoiceApplicationId", "PhoneNumber", "BaseCallbackUrl" })
        {
            Assert.Contains($"Bandwidth:{setting}", emulator.Groups["message"].Value);
        }
        Assert.DoesNotMatch(new Regex(@"^(info|dbug): (System\.Net\.Http\.HttpClient|Polly)", RegexOptions.Multiline), console);
        Assert.DoesNotMatch(new Regex(@"^warn: ", RegexOptions.Multiline), console);
    }
}

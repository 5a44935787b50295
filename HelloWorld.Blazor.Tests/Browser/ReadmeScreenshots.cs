using static HelloWorld.Blazor.Conference.PhoneNumberMask;
using static Microsoft.Playwright.Assertions;

namespace HelloWorld.Blazor.Tests.Browser;

/// <summary>
/// Makes the README's two screenshots (docs/screens/): the call page in a call, and the phone simulator. Opt-in, so that
/// `dotnet test` never rewrites tracked files: <c>HELLOWORLD_SCREENSHOTS=1 dotnet test --filter ReadmeScreenshots</c>.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class ReadmeScreenshots(ChromiumFixture chromium) : AppInBrowserTest(chromium)
{
    private const string Phone = "+19195550124";

    [ScreenshotFact]
    public async Task CallPageInACall_AndThePhoneSimulator()
    {
        var folder = Path.Combine(Repository.Root, "docs", "screens");
        Directory.CreateDirectory(folder);
        var page = await CallPage.OpenAsync(Context, App.BaseUrl);
        await page.Page.SetViewportSizeAsync(760, 900);
        await page.WaitUntilPublishingAsync();
        var simulator = await PhoneSimulatorPage.OpenAsync(Context, App.BaseUrl);
        await simulator.Page.SetViewportSizeAsync(760, 760);
        await simulator.Key(Phone, "dial").ClickAsync();
        await page.WaitForStreamAsync($"Phone {Mask(Phone)}");
        await Expect(simulator.Status(Phone)).ToHaveTextAsync("In the call", new() { Timeout = 30_000 });
        await Expect(page.Page.Locator(".heard-level")).ToHaveAttributeAsync("data-level", "high", new() { Timeout = 10_000 });

        await page.Page.ScreenshotAsync(new() { Path = Path.Combine(folder, "call-page.png"), FullPage = true });
        await simulator.Page.ScreenshotAsync(new() { Path = Path.Combine(folder, "phone-simulator.png"), FullPage = true });
    }
}

/// <summary>A browser test that runs only when HELLOWORLD_SCREENSHOTS=1: it writes tracked files.</summary>
public sealed class ScreenshotFactAttribute : BrowserFactAttribute
{
    public ScreenshotFactAttribute()
    {
        if (Environment.GetEnvironmentVariable("HELLOWORLD_SCREENSHOTS") != "1")
        {
            Skip = "Makes the README's screenshots; run with HELLOWORLD_SCREENSHOTS=1 to refresh them.";
        }
    }
}

using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HelloWorld.Blazor.Tests.Browser;

/// <summary>The emulator's phone simulator in one tab: a card per simulated phone, each with its state and its keys.</summary>
public sealed class PhoneSimulatorPage(IPage page)
{
    public IPage Page { get; } = page;

    public static async Task<PhoneSimulatorPage> OpenAsync(IBrowserContext context, string baseUrl)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(baseUrl + "/emulator/phone");
        var simulator = new PhoneSimulatorPage(page);
        await Expect(page.Locator(".phone").First).ToBeVisibleAsync();
        return simulator;
    }

    public ILocator Phone(string number) => Page.Locator($".phone[data-number='{number}']");

    public ILocator Status(string number) => Phone(number).Locator(".status");

    public ILocator Peer(string number) => Phone(number).Locator(".peer");

    public ILocator TalkTime(string number) => Phone(number).Locator(".duration");

    public ILocator Heard(string number) => Phone(number).Locator(".heard");

    public ILocator Key(string number, string key) => Phone(number).Locator($"button.{key}");

    public ILocator Log => Page.Locator("#log li");

    public ILocator Announcer => Page.Locator("#announcer");
}

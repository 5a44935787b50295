using Microsoft.Playwright;

namespace HelloWorld.Blazor.Tests.Browser;

/// <summary>The content security policy is strict; these pages must still do all they do under it.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class ContentSecurityPolicyBrowserTests(ChromiumFixture chromium)
{
    [BrowserFact]
    public async Task CallPageAndPhoneSimulator_WorkWithoutAnyPolicyViolation()
    {
        await using var app = RunningApp.Start();
        await using var context = await chromium.NewContextAsync();
        var violations = new List<string>();
        var call = await context.NewPageAsync();
        var phone = await context.NewPageAsync();
        foreach (var page in new[] { call, phone })
        {
            page.Console += (_, message) =>
            {
                if (message.Text.Contains("Content Security Policy", StringComparison.OrdinalIgnoreCase))
                {
                    violations.Add(message.Text);
                }
            };
        }

        await call.GotoAsync(app.BaseUrl + "/");
        await new CallPage(call).WaitUntilPublishingAsync();
        await phone.GotoAsync(app.BaseUrl + "/emulator/phone");
        await phone.ClickAsync(".phone[data-number='+19195550123'] button.dial");
        await new CallPage(call).WaitForStreamAsync("Phone +1•••••0123");

        // The simulator learns of the transfer through its event stream, which may trail the call page by a moment.
        await Assertions.Expect(phone.Locator(".phone[data-number='+19195550123'] .status")).ToHaveTextAsync("In the call", new() { Timeout = 30_000 });
        Assert.Empty(violations);
    }
}

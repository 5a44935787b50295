using HelloWorld.Blazor.Tests.Browser;

namespace HelloWorld.Blazor.Tests.Security;

/// <summary>
/// A real circuit in Chromium learns its client's address from the connection Blazor's hub runs on, after the
/// forwarded-headers rules: a tunnel on loopback is believed unless <c>ForwardedHeaders:TrustLoopback</c> is off.
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class TabIdentityBrowserTests(ChromiumFixture chromium)
{
    [BrowserFact]
    public Task ATabBehindALoopbackTunnel_IsCountedAgainstTheForwardedClient() =>
        OpenedTabsClientAsync(trustLoopback: true, expected: "203.0.113.9");

    [BrowserFact]
    public Task ATabBehindALoopbackTunnel_IsCountedAgainstLoopback_WhenLoopbackIsNotTrusted() =>
        OpenedTabsClientAsync(trustLoopback: false, expected: "127.0.0.1");

    private async Task OpenedTabsClientAsync(bool trustLoopback, string expected)
    {
        await using var app = RunningApp.Start(new Dictionary<string, string?> { ["ForwardedHeaders:TrustLoopback"] = trustLoopback ? "true" : "false" });
        await using var context = await chromium.NewContextAsync();
        // What a tunnel client (or a client through a raw TCP tunnel) adds to every request, the hub's included.
        await context.SetExtraHTTPHeadersAsync(new Dictionary<string, string> { ["X-Forwarded-For"] = "203.0.113.9" });
        var page = await context.NewPageAsync();

        await page.GotoAsync(app.BaseUrl + "/");

        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        string[] opened;
        while ((opened = [.. app.Logs.GetSnapshot().Where(log => log.Id.Id == 5001).Select(log => log.Message)]).Length == 0)
        {
            Assert.True(DateTime.UtcNow < deadline, "no tab was opened");
            await Task.Delay(50);
        }
        Assert.EndsWith($"opened by client {expected}", Assert.Single(opened));
    }
}

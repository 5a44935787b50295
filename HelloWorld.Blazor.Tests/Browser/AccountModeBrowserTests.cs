using Microsoft.IdentityModel.JsonWebTokens;
using static Microsoft.Playwright.Assertions;

namespace HelloWorld.Blazor.Tests.Browser;

/// <summary>
/// The app as it runs against a real account: real-looking settings, Bandwidth's APIs stood in for by a standalone
/// emulator at another address, and the browser SDK pointed at Bandwidth's own device endpoint (unreachable here).
/// </summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class AccountModeBrowserTests(ChromiumFixture chromium)
{
    [BrowserFact]
    public async Task PageLoad_CreatesOneParticipantAndOneSession_AndConnectsTheSdkToBandwidth_ThenExplainsItCannotReachIt()
    {
        await using var bandwidth = await StandaloneEmulator.StartAsync();
        await using var app = RunningApp.Start(bandwidth.AccountSettings);
        await using var context = await chromium.NewContextAsync();
        var page = await context.NewPageAsync();
        var sockets = new List<string>();
        page.WebSocket += (_, socket) => sockets.Add(socket.Url);

        await page.GotoAsync(app.BaseUrl + "/");

        await Expect(page.Locator(".status-connect-failed")).ToBeVisibleAsync(new() { Timeout = 40_000 });
        var device = sockets.First(url => url.StartsWith("wss://device.webrtc.bandwidth.com/v3/?token=", StringComparison.Ordinal));
        var token = new JsonWebToken(Uri.UnescapeDataString(device.Split("token=")[1].Split('&')[0]));
        Assert.Equal("V3", token.GetClaim("v").Value);
        Assert.DoesNotContain(sockets, url => url.Contains("/emulator/device", StringComparison.Ordinal));

        var participantId = token.GetClaim("p").Value;
        var requests = await EmulatorControl.EventuallyAsync(bandwidth.Control.RequestsAsync,
            log => log.Any(r => (string?)r["method"] == "DELETE"), "the page that could not connect to delete its participant");
        var calls = requests.Select(r => $"{r["method"]} {((string)r["path"]!).Replace(participantId, "{participant}", StringComparison.Ordinal)}").ToList();
        Assert.Equal(1, calls.Count(c => c == "POST /emulator/webrtc/v1/accounts/9900000/participants"));
        Assert.Equal(1, calls.Count(c => c == "POST /emulator/webrtc/v1/accounts/9900000/sessions"));
        Assert.Single(calls, c => c.StartsWith("PUT /emulator/webrtc/v1/accounts/9900000/sessions/", StringComparison.Ordinal) && c.EndsWith("/participants/{participant}", StringComparison.Ordinal));
        Assert.Equal(1, calls.Count(c => c == "DELETE /emulator/webrtc/v1/accounts/9900000/participants/{participant}"));
        Assert.Empty(await bandwidth.Control.ParticipantsAsync());
    }
}

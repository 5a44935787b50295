using System.Text.RegularExpressions;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HelloWorld.Blazor.Tests.Browser;

/// <summary>The call page's own behaviour in Chromium with the unmodified browser SDK: its failure states and its controls.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class CallPageBrowserTests(ChromiumFixture chromium) : IAsyncLifetime
{
    /// <summary>rpc-websockets' reconnect interval as the SDK leaves it: one attempt a second while a loop runs.</summary>
    private static readonly TimeSpan ReconnectInterval = TimeSpan.FromSeconds(1);

    private RunningApp _app = null!;
    private IBrowserContext _context = null!;

    public async Task InitializeAsync()
    {
        if (Chromium.IsInstalled)
        {
            _app = RunningApp.Start();
            _context = await chromium.NewContextAsync();
        }
    }

    public async Task DisposeAsync()
    {
        if (Chromium.IsInstalled)
        {
            await _context.DisposeAsync();
            await _app.DisposeAsync();
        }
    }

    [BrowserFact]
    public async Task ConnectFailure_StopsTheSdksReconnectLoop_AndDeletesTheParticipant()
    {
        var page = await _context.NewPageAsync();
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

        await page.GotoAsync(_app.BaseUrl + "/");
        await Expect(page.Locator(".status-connect-failed")).ToBeVisibleAsync(new() { Timeout = 40_000 });
        var atFailure = Volatile.Read(ref attempts);
        // Watching for a few reconnect intervals is the observation itself: a loop still running shows up in that time.
        await Task.Delay(3 * ReconnectInterval + TimeSpan.FromMilliseconds(500));
        var afterwards = Volatile.Read(ref attempts);

        Assert.True(atFailure >= 5, $"the SDK made {atFailure} attempts before the page gave up; the endpoint did not make it retry");
        Assert.Equal(atFailure, afterwards);
        await EmulatorControl.EventuallyAsync(_app.Control.ParticipantsAsync, participants => participants.Count == 0,
            "the participant of the page that could not connect to be deleted");
        Task[] closed;
        lock (closing)
        {
            closed = [.. closing];
        }
        await Task.WhenAll(closed);
    }
}

using System.Text.RegularExpressions;
using Microsoft.Playwright;

namespace HelloWorld.Blazor.Tests.Browser;

/// <summary>
/// A page's link to the app, which a test can cut as a lost network would: the circuit's sockets are passed through
/// until <see cref="CutAsync"/> closes them; from then until <see cref="Restore"/> every attempt to reach the app (a new
/// negotiation) fails.
/// </summary>
internal sealed partial class CircuitLink
{
    private readonly List<(IWebSocketRoute Page, IWebSocketRoute Server)> _circuits = [];
    private volatile bool _reachable = true;

    private CircuitLink()
    {
    }

    /// <summary>Routes <paramref name="page"/>'s circuit through the link; call before the page navigates.</summary>
    public static async Task<CircuitLink> RouteAsync(IPage page)
    {
        var link = new CircuitLink();
        await page.RouteWebSocketAsync(CircuitSocket(), socket =>
        {
            var server = socket.ConnectToServer();
            lock (link._circuits)
            {
                link._circuits.Add((socket, server));
            }
        });
        await page.RouteAsync("**/_blazor/negotiate**", route => link._reachable ? route.ContinueAsync() : route.AbortAsync());
        return link;
    }

    /// <summary>Closes every circuit socket opened so far, both ways, and keeps the app out of reach.</summary>
    public async Task CutAsync()
    {
        _reachable = false;
        (IWebSocketRoute Page, IWebSocketRoute Server)[] open;
        lock (_circuits)
        {
            open = [.. _circuits];
        }
        foreach (var (socket, server) in open)
        {
            await server.CloseAsync(new() { Code = 4000, Reason = "network lost" });
            await socket.CloseAsync(new() { Code = 4000, Reason = "network lost" });
        }
    }

    /// <summary>The app is reachable again: the next attempt goes through.</summary>
    public void Restore() => _reachable = true;

    [GeneratedRegex(@"/_blazor\?id=")]
    private static partial Regex CircuitSocket();
}

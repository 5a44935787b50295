using static Microsoft.Playwright.Assertions;

namespace HelloWorld.Blazor.Tests.Browser;

/// <summary>What the media tests do to a call page beyond what a person sees: mute it, or break its media alone.</summary>
public static class CallPageMedia
{
    /// <summary>Clicks the mute button and waits until it offers the opposite: the page has switched the microphone.</summary>
    public static async Task SetMutedAsync(this CallPage page, bool muted)
    {
        var button = page.Page.Locator(".mute-toggle");
        var offers = muted ? "Unmute" : "Mute";
        if ((await button.InnerTextAsync()).Trim() != offers)
        {
            await button.ClickAsync();
        }
        await Expect(button).ToHaveTextAsync(offers);
    }

    /// <summary>
    /// Closes every RTCPeerConnection of the page (recorded by the test's init script) while its WebSocket stays open:
    /// media stops, ICE consent checks with it, and signaling carries on as if nothing had happened.
    /// </summary>
    public static Task BreakMediaKeepingSignalingAsync(this CallPage page) =>
        page.Page.EvaluateAsync("() => { for (const connection of window.__peerConnections) connection.close(); }");
}

namespace HelloWorld.Blazor.Tests.Browser;

/// <summary>What the media tests do to a call page beyond what a person does: break its media alone.</summary>
public static class CallPageMedia
{
    /// <summary>
    /// Closes every RTCPeerConnection of the page (recorded by the test's init script) while its WebSocket stays open:
    /// media stops, ICE consent checks with it, and signaling carries on as if nothing had happened.
    /// </summary>
    public static Task BreakMediaKeepingSignalingAsync(this CallPage page) =>
        page.Page.EvaluateAsync("() => { for (const connection of window.__peerConnections) connection.close(); }");
}

using System.Text.Json;
using Microsoft.Playwright;

namespace HelloWorld.Blazor.Tests.Browser;

/// <summary>What the platform enforces whatever a page tries: an AUDIO-only participant gets no video through.</summary>
[Collection(BrowserCollection.Name)]
[Trait("Category", "Browser")]
public sealed class PublishPermissionBrowserTests(ChromiumFixture chromium)
{
    /// <summary>
    /// A page of the test's own, served by the app (so the microphone and camera are allowed): it takes a participant
    /// from <c>/connectionInfo</c> (AUDIO only, like every participant of the app) and publishes audio and video.
    /// </summary>
    private const string PublishVideoPage = """
        <!doctype html><html><body><script type="module">
          import BandwidthRtc from "/lib/bandwidth-webrtc/bandwidth-webrtc.js";
          const { token } = await (await fetch("/connectionInfo")).json();
          const rtc = new BandwidthRtc();
          await rtc.connect({ deviceToken: token }, { websocketUrl: `ws://${location.host}/emulator/device` });
          const published = await rtc.publish({ audio: true, video: true });
          window.published = { videoTracks: published.mediaStream.getVideoTracks().length };
        </script></body></html>
        """;

    [BrowserFact]
    public async Task AudioOnlyParticipant_PublishingVideo_GetsOnlyItsAudioThrough()
    {
        await using var app = RunningApp.Start(testPages: new Dictionary<string, string> { ["/__tests/publish-video"] = PublishVideoPage });
        await using var context = await chromium.NewContextAsync();
        await context.GrantPermissionsAsync(["microphone", "camera"]);
        var listener = await CallPage.OpenAsync(context, app.BaseUrl);
        await listener.WaitUntilPublishingAsync();

        var publisher = await context.NewPageAsync();
        await publisher.GotoAsync($"{app.BaseUrl}/__tests/publish-video");
        await publisher.WaitForFunctionAsync("() => window.published", null, new() { Timeout = 30_000 });
        var published = await publisher.EvaluateAsync<JsonElement>("() => window.published");
        await listener.WaitForStreamAsync("Browser");

        Assert.Equal(1, published.GetProperty("videoTracks").GetInt32()); // the page really had a camera to publish
        // The answer the browser applied on the connection it publishes on: video rejected (port 0), audio accepted.
        var applied = await publisher.EvaluateAsync<JsonElement>("""
            () => {
              const connection = window.__peerConnections.find(c => c.localDescription?.sdp.includes("m=video"));
              const ports = kind => [...connection.remoteDescription.sdp.matchAll(new RegExp(`^m=${kind} (\\d+)`, "gm"))].map(m => Number(m[1]));
              return { audio: ports("audio"), video: ports("video") };
            }
            """);
        Assert.Equal([0], applied.GetProperty("video").EnumerateArray().Select(port => port.GetInt32()));
        Assert.DoesNotContain(0, applied.GetProperty("audio").EnumerateArray().Select(port => port.GetInt32()));
        // Media does flow on that connection (its audio reaches the emulator), yet not one byte of video.
        var sent = await EmulatorControl.EventuallyAsync(() => BytesSentAsync(publisher), bytes => bytes.Audio > 0,
            "the publishing page's audio to flow", TimeSpan.FromSeconds(30));
        Assert.Equal(0, sent.Video);
        Assert.Contains(app.Logs.GetSnapshot(), line => line.Message.Contains("may not publish VIDEO", StringComparison.Ordinal));
    }

    private static async Task<(long Audio, long Video)> BytesSentAsync(IPage page)
    {
        var bytes = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const sent = { audio: 0, video: 0 };
              for (const connection of window.__peerConnections) {
                (await connection.getStats()).forEach(r => { if (r.type === "outbound-rtp") sent[r.kind] += r.bytesSent; });
              }
              return sent;
            }
            """);
        return (bytes.GetProperty("audio").GetInt64(), bytes.GetProperty("video").GetInt64());
    }
}

using System.Text.Json;

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
          window.published = { mediaTypes: published.mediaTypes, videoTracks: published.mediaStream.getVideoTracks().length };
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
        var streamId = await listener.WaitForStreamAsync("Browser");
        await Task.Delay(TimeSpan.FromSeconds(2)); // time for any video to arrive, were it let through

        Assert.Equal(1, published.GetProperty("videoTracks").GetInt32()); // the camera was on in the page
        Assert.Equal(["AUDIO"], published.GetProperty("mediaTypes").EnumerateArray().Select(type => type.GetString()));
        var videoSent = await publisher.EvaluateAsync<long>("""
            async () => {
              let bytes = 0;
              for (const connection of window.__peerConnections) {
                (await connection.getStats()).forEach(r => { if (r.type === "outbound-rtp" && r.kind === "video") bytes += r.bytesSent; });
              }
              return bytes;
            }
            """);
        Assert.Equal(0, videoSent); // the emulator rejected the video m-line, so nothing could be sent
        var received = await listener.Page.EvaluateAsync<JsonElement>($$"""
            () => {
              const stream = document.querySelector('[data-endpoint-id="{{streamId}}"] audio').srcObject;
              return { audio: stream.getAudioTracks().length, video: stream.getVideoTracks().length };
            }
            """);
        Assert.Equal(1, received.GetProperty("audio").GetInt32());
        Assert.Equal(0, received.GetProperty("video").GetInt32());
        var stream = (await app.Control.ParticipantsAsync()).SelectMany(p => p["streams"]!.AsArray()).Single(s => (string?)s!["streamId"] == streamId);
        Assert.Equal(["AUDIO"], stream!["mediaTypes"]!.AsArray().Select(type => (string?)type));
    }
}

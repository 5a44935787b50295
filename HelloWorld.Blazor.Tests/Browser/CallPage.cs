using System.Text.Json;
using Microsoft.Playwright;
using static Microsoft.Playwright.Assertions;

namespace HelloWorld.Blazor.Tests.Browser;

/// <summary>The call page in one browser tab, with what tests look at: its texts, its remote streams and what they carry.</summary>
public sealed class CallPage(IPage page)
{
    public static readonly LocatorAssertionsToBeVisibleOptions Patiently = new() { Timeout = 30_000 };

    public IPage Page { get; } = page;

    public static async Task<CallPage> OpenAsync(IBrowserContext context, string baseUrl)
    {
        var page = await context.NewPageAsync();
        await page.GotoAsync(baseUrl + "/");
        return new CallPage(page);
    }

    /// <summary>
    /// Makes every page of <paramref name="context"/> record, from its first render, each line its live region announces
    /// (<c>window.__announced</c>) and how many oscillators play (<c>window.__oscillators</c>: the ringback's). Call it
    /// before opening the pages.
    /// </summary>
    public static Task ObserveAsync(IBrowserContext context) => context.AddInitScriptAsync("""
        (() => {
          window.__announced = [];
          new MutationObserver(records => {
            for (const record of records) {
              for (const node of record.addedNodes) {
                if (node.parentElement?.classList.contains("live-announcer") && node.textContent.trim()) {
                  window.__announced.push(node.textContent.trim());
                }
              }
            }
          }).observe(document, { childList: true, subtree: true });
          window.__oscillators = 0;
          const start = OscillatorNode.prototype.start, stop = OscillatorNode.prototype.stop;
          OscillatorNode.prototype.start = function (...args) { window.__oscillators++; return start.apply(this, args); };
          OscillatorNode.prototype.stop = function (...args) { window.__oscillators--; return stop.apply(this, args); };
        })();
        """);

    /// <summary>What the live region has announced so far, in order (see <see cref="ObserveAsync"/>).</summary>
    public Task<string[]> AnnouncementsAsync() => Page.EvaluateAsync<string[]>("() => window.__announced");

    /// <summary>Oscillators playing now: two while the ringback rings (see <see cref="ObserveAsync"/>).</summary>
    public Task<int> OscillatorsAsync() => Page.EvaluateAsync<int>("() => window.__oscillators");

    /// <summary>The element that has focus, as a selector-like description: tag, classes and text.</summary>
    public Task<string> FocusedAsync() => Page.EvaluateAsync<string>(
        "() => { const e = document.activeElement; return e ? `${e.tagName.toLowerCase()}.${[...e.classList].join('.')} ${e.textContent.trim()}` : ''; }");

    /// <summary>Connected to Bandwidth with the microphone published: the mute button becomes usable.</summary>
    public Task WaitUntilPublishingAsync() => Expect(Page.Locator(".mute-toggle:not([disabled])")).ToBeVisibleAsync(Patiently);

    public ILocator RemoteStreams => Page.Locator(".remote-stream");

    public ILocator RemoteStream(string label) => Page.Locator(".remote-stream", new PageLocatorOptions { HasText = label });

    /// <summary>Waits until the page has a remote stream labelled <paramref name="label"/>; returns its endpoint id.</summary>
    public async Task<string> WaitForStreamAsync(string label)
    {
        await Expect(RemoteStream(label)).ToBeVisibleAsync(Patiently);
        return (await RemoteStream(label).GetAttributeAsync("data-endpoint-id"))!;
    }

    /// <summary>Packets received over every receiving RTCPeerConnection of the page (inbound-rtp).</summary>
    public Task<long> PacketsReceivedAsync() => Page.EvaluateAsync<long>("""
        async () => {
          let packets = 0;
          for (const connection of window.__peerConnections ?? []) {
            (await connection.getStats()).forEach(report => { if (report.type === "inbound-rtp") packets += report.packetsReceived; });
          }
          return packets;
        }
        """);

    /// <summary>
    /// Listens to the remote stream of <paramref name="endpointId"/> through a WebAudio analyser for a while and returns
    /// the loudest sample (0..1): what a person at this tab would hear.
    /// </summary>
    public async Task<AudioMeasurement> MeasureAsync(string endpointId, TimeSpan duration)
    {
        var result = await Page.EvaluateAsync<JsonElement>("""
            async ([endpointId, milliseconds]) => {
              const audio = document.querySelector(`[data-endpoint-id="${endpointId}"] audio`);
              if (!audio || !audio.srcObject) return { peak: -1, rms: -1 };
              const context = new AudioContext();
              await context.resume();
              const analyser = context.createAnalyser();
              analyser.fftSize = 2048;
              context.createMediaStreamSource(audio.srcObject).connect(analyser);
              const samples = new Float32Array(analyser.fftSize);
              let peak = 0, squares = 0, count = 0;
              const end = performance.now() + milliseconds;
              while (performance.now() < end) {
                await new Promise(resolve => setTimeout(resolve, 50));
                analyser.getFloatTimeDomainData(samples);
                for (const sample of samples) { peak = Math.max(peak, Math.abs(sample)); squares += sample * sample; count++; }
              }
              await context.close();
              return { peak, rms: Math.sqrt(squares / Math.max(1, count)) };
            }
            """, new object[] { endpointId, duration.TotalMilliseconds });
        return new AudioMeasurement(result.GetProperty("peak").GetDouble(), result.GetProperty("rms").GetDouble());
    }
}

/// <param name="Peak">The loudest sample heard, 0..1; -1 when the stream had no audio element.</param>
public sealed record AudioMeasurement(double Peak, double Rms)
{
    /// <summary>Chromium's fake microphone beeps well above this; a stream without packets stays far below it.</summary>
    public const double AudibleThreshold = 0.02;

    public const double SilenceThreshold = 0.002;

    public bool IsAudible => Peak > AudibleThreshold;

    public bool IsSilent => Peak is >= 0 and < SilenceThreshold;
}

using System.Text.Json;

namespace PageTiming;

/// <summary>
/// The moments of one page load, in milliseconds from navigation start (the page's <c>performance.timeOrigin</c>): from
/// the browser's own Navigation and Resource Timing, and from the DOM states the browser tests wait for.
/// </summary>
internal static class PageMoments
{
    /// <summary>(name, what it is) in the order they happen.</summary>
    public static readonly (string Name, string Meaning)[] All =
    [
        ("html", "HTML received (prerendered page)"),
        ("domContentLoaded", "DOMContentLoaded"),
        ("blazor", "Blazor's script loaded (blazor.web.js)"),
        ("circuit", "Blazor circuit negotiated (_blazor/negotiate answered)"),
        ("sdk", "SDK bundle loaded (bandwidth-webrtc.js)"),
        ("client", "The circuit's first call into the page's module (createClient)"),
        ("joined", "Joined: participant made, \"Connecting to Bandwidth…\" shown"),
        ("connected", "Connected: \"Starting your microphone…\" shown"),
        ("published", "**Published: the Mute button enabled**"),
    ];

    /// <summary>
    /// Added to every page before its own scripts: notes when each watched DOM state first appears. A MutationObserver
    /// runs right after the DOM change that Blazor applied, so the moment is not rounded to a polling interval.
    /// The published state is what the browser tests wait for (CallPage.WaitUntilPublishingAsync): the page enables Mute
    /// once the SDK's publish has resolved.
    /// </summary>
    public const string Recorder = """
        (() => {
          const moments = {};
          window.__pageTiming = moments;
          const watched = [
            ["joined", ".status-connecting"],
            ["connected", ".status-publishing"],
            ["published", ".mute-toggle:not([disabled])"],
          ];
          const look = () => {
            for (const [name, selector] of watched) {
              if (moments[name] === undefined && document.querySelector(selector)) {
                moments[name] = performance.now();
              }
            }
          };
          new MutationObserver(look).observe(document, { childList: true, subtree: true, attributes: true });
        })();
        """;

    public const string Published = "() => window.__pageTiming && window.__pageTiming.published !== undefined";

    public const string Read = """
        () => {
          const navigation = performance.getEntriesByType("navigation")[0];
          const loaded = part => performance.getEntriesByType("resource").find(entry => entry.name.includes(part))?.responseEnd ?? null;
          return JSON.stringify({
            html: navigation.responseEnd,
            domContentLoaded: navigation.domContentLoadedEventEnd,
            blazor: loaded("blazor.web"),
            circuit: loaded("_blazor/negotiate"),
            sdk: loaded("bandwidth-webrtc"),
            client: performance.getEntriesByName("helloworld:client-created")[0]?.startTime ?? null,
            ...window.__pageTiming,
          });
        }
        """;

    public static Dictionary<string, double> Parse(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, double?>>(json)!
            .Where(moment => moment.Value is not null)
            .ToDictionary(moment => moment.Key, moment => Math.Round(moment.Value!.Value, 1));
}

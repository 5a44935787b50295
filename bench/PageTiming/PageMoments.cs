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

    /// <summary>What the recorder writes to the console once the page has published: the tool's cue to read the moments.</summary>
    public const string PublishedMessage = "pagetiming:published";

    /// <summary>
    /// Added to every page before its own scripts: notes when each watched DOM state first appears. A MutationObserver
    /// runs right after the DOM change that Blazor applied, so the moment is not rounded to a polling interval.
    /// The published state is what the browser tests wait for (CallPage.WaitUntilPublishingAsync): the page enables Mute
    /// once the SDK's publish has resolved. Then it says so on the console (<see cref="PublishedMessage"/>), so the tool
    /// waits without running anything in the page: Playwright's WaitForFunction injected its own script (some 300 kB,
    /// 40 ms of the main thread at a load average of 8) while blazor.web.js was loading, and polled every 50 ms, on the path it measures.
    /// </summary>
    public static readonly string Recorder = """
        (() => {
          const publishedMessage = "__PUBLISHED__";
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
                if (name === "published") {
                  console.debug(publishedMessage);
                }
              }
            }
          };
          new MutationObserver(look).observe(document, { childList: true, subtree: true, attributes: true });
        })();
        """.Replace("__PUBLISHED__", PublishedMessage, StringComparison.Ordinal);

    /// <summary>
    /// Added with --detail only: notes every WebSocket message, Blazor's circuit (MessagePack: the readable names in it,
    /// such as StartCircuit, JS.BeginInvokeJS, JS.RenderBatch) and the SDK's signaling (JSON-RPC: its method), so the
    /// timeline shows what the page waited for between the circuit's negotiation and the published microphone.
    /// </summary>
    public const string SocketRecorder = """
        (() => {
          const messages = [];
          window.__pageSockets = messages;
          const describe = data => {
            if (typeof data === "string") {
              const method = /"method"\s*:\s*"([^"]+)"/.exec(data)?.[1];
              return method ? `${method} (${data.length} chars)` : `${data.slice(0, 60)} (${data.length} chars)`;
            }
            const bytes = new Uint8Array(data instanceof ArrayBuffer ? data : data.buffer ?? new ArrayBuffer(0));
            const names = new TextDecoder("latin1").decode(bytes).match(/[A-Za-z][A-Za-z0-9._:\/-]{5,}/g) ?? [];
            return `${names.slice(0, 4).join(" ")} (${bytes.length} bytes)`;
          };
          const Native = window.WebSocket;
          window.WebSocket = class extends Native {
            constructor(url, protocols) {
              super(url, protocols);
              const where = new URL(url, location.href).pathname.startsWith("/_blazor") ? "circuit" : "signaling";
              this.addEventListener("open", () => messages.push([performance.now(), `${where} open`]));
              this.addEventListener("message", event => messages.push([performance.now(), `${where} ← ${describe(event.data)}`]));
              this.__where = where;
            }
            send(data) {
              messages.push([performance.now(), `${this.__where} → ${describe(data)}`]);
              super.send(data);
            }
          };
        })();
        """;

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

    /// <summary>
    /// Every resource and mark of the load, in the order they started (--detail): where the time before each moment went.
    /// Per resource: fetch start, request sent, first byte, last byte, and the bytes on the wire (compressed).
    /// </summary>
    public const string Timeline = """
        () => {
          const ms = value => value.toFixed(1).padStart(7);
          const rows = performance.getEntriesByType("resource").map(entry => [entry.startTime,
            `${ms(entry.startTime)} ${ms(entry.requestStart)} ${ms(entry.responseStart)} ${ms(entry.responseEnd)} ${String(entry.transferSize).padStart(7)}  ${new URL(entry.name).pathname}`]);
          performance.getEntriesByType("mark").forEach(mark => rows.push([mark.startTime, `${ms(mark.startTime)}  mark ${mark.name}`]));
          const navigation = performance.getEntriesByType("navigation")[0];
          rows.push([navigation.domContentLoadedEventStart, `${ms(navigation.domContentLoadedEventStart)}  DOMContentLoaded`]);
          Object.entries(window.__pageTiming).forEach(([name, at]) => rows.push([at, `${ms(at)}  ${name}`]));
          (window.__pageSockets ?? []).forEach(([at, what]) => rows.push([at, `${ms(at)}  ${what}`]));
          return ["  fetched   sent  1st byte  last   bytes", ...rows.sort((a, b) => a[0] - b[0]).map(row => row[1])].join("\n");
        }
        """;

    public static Dictionary<string, double> Parse(string json) =>
        JsonSerializer.Deserialize<Dictionary<string, double?>>(json)!
            .Where(moment => moment.Value is not null)
            .ToDictionary(moment => moment.Key, moment => Math.Round(moment.Value!.Value, 1));
}

using System.Text.Json;
using Microsoft.Playwright;

namespace PageTiming;

/// <summary>
/// A Chromium performance trace of one load (--trace), through the DevTools protocol: what the page's main thread was
/// busy with between the moments (parsing, compiling and running each script, style and layout, each message handled).
/// The file opens in the DevTools' Performance panel or chrome://tracing.
/// </summary>
internal sealed class Tracing
{
    private readonly ICDPSession _session;
    private readonly List<JsonElement> _events = [];
    private readonly TaskCompletionSource _complete = new(TaskCreationOptions.RunContinuationsAsynchronously);

    private Tracing(ICDPSession session)
    {
        _session = session;
        session.Event("Tracing.dataCollected").OnEvent += (_, data) =>
        {
            if (data?.TryGetProperty("value", out var value) == true)
            {
                _events.AddRange(value.EnumerateArray().Select(item => item.Clone()));
            }
        };
        session.Event("Tracing.tracingComplete").OnEvent += (_, _) => _complete.TrySetResult();
    }

    public static async Task<Tracing> StartAsync(IBrowserContext context, IPage page)
    {
        var tracing = new Tracing(await context.NewCDPSessionAsync(page));
        await tracing._session.SendAsync("Tracing.start", new Dictionary<string, object>
        {
            ["transferMode"] = "ReportEvents",
            ["traceConfig"] = new Dictionary<string, object>
            {
                ["includedCategories"] = new[]
                {
                    "devtools.timeline", "disabled-by-default-devtools.timeline", "v8.execute", "v8", "blink.user_timing",
                    "loading", "netlog", "toplevel",
                },
            },
        });
        return tracing;
    }

    public async Task StopAsync(string path)
    {
        await _session.SendAsync("Tracing.end");
        await _complete.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await using var file = File.Create(path);
        await JsonSerializer.SerializeAsync(file, new { traceEvents = _events });
    }
}

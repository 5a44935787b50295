using System.Globalization;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Bench;
using Microsoft.Playwright;
using PageTiming;

// Page to published: loads the call page in a fresh headless Chromium profile N times (after one warm-up load) against
// the published app in emulator mode, and prints the median and p90 of each moment from navigation start to the
// published microphone, with issue 16's goal (published ≤ 0.8 s at p50) as a PASS/FAIL line that never sets the exit code.

const double GoalMs = 800;
var loads = 10;
string? prepared = null;
var detail = false;
string? traces = null;
for (var i = 0; i < args.Length; i++)
{
    switch (args[i])
    {
        case "--loads" when i + 1 < args.Length && int.TryParse(args[i + 1], CultureInfo.InvariantCulture, out var parsed) && parsed >= 1:
            loads = parsed;
            i++;
            break;
        // An app already published (dotnet publish -c Release -o DIR): two builds compared without a publish between runs.
        case "--app" when i + 1 < args.Length && File.Exists(Path.Combine(args[i + 1], "HelloWorld.Blazor.dll")):
            prepared = Path.GetFullPath(args[++i]);
            break;
        case "--detail":
            detail = true;
            break;
        // A Chromium performance trace of each load (chrome://tracing, or the DevTools' Performance panel) into DIR.
        case "--trace" when i + 1 < args.Length:
            traces = Directory.CreateDirectory(args[++i]).FullName;
            break;
        default:
            Console.Error.WriteLine("usage: bench/run.sh --page [--loads N] [--app PUBLISHED_DIR] [--detail] [--trace DIR]   (see bench/README.md)");
            return 2;
    }
}

var chromium = Environment.GetEnvironmentVariable("HELLOWORLD_CHROMIUM") is { Length: > 0 } configured ? configured : "/usr/bin/chromium";
if (!File.Exists(chromium))
{
    Console.Error.WriteLine($"No Chromium at {chromium}: install Debian's (apt-get install -y chromium) or set HELLOWORLD_CHROMIUM.");
    return 2;
}

var loadAtStart = Machine.LoadAverage;
var repository = Repository.Root();
string appDirectory;
if (prepared is null)
{
    Console.WriteLine($"Publishing the app (Release) from {repository}…");
    appDirectory = await Published.PublishAsync(repository, "HelloWorld.Blazor/HelloWorld.Blazor.csproj", "app");
}
else
{
    Console.WriteLine($"The app as published in {prepared}");
    appDirectory = prepared;
}
// Emulator mode, as `dotnet run` starts it; a closed tab's circuit (and its participant) is let go after 2 s, not 3 minutes.
await using var app = await ServerProcess.StartAsync("app", appDirectory, "HelloWorld.Blazor.dll",
    [new("CallPage__DisconnectedCircuitRetention", "00:00:02")]);
await Task.Delay(TimeSpan.FromSeconds(3));
var idle = app.Memory;

using var playwright = await Playwright.CreateAsync();
await using var browser = await playwright.Chromium.LaunchAsync(new BrowserTypeLaunchOptions
{
    ExecutablePath = chromium,
    Headless = true,
    // DEVELOPERS.md's launch flags: a fake microphone that needs no prompt, nothing fetched from the network.
    Args =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync",
        "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        "--autoplay-policy=no-user-gesture-required", "--allow-loopback-in-peer-connection",
    ],
});
using var http = new HttpClient { BaseAddress = app.BaseUri };

Console.WriteLine($"Loading {app.BaseUrl}/ once to warm up, then {loads} times…");
var runs = new List<Dictionary<string, double>>();
for (var load = 0; load <= loads; load++)
{
    var (moments, timeline) = await LoadAsync(browser, app.BaseUrl, detail, traces is null ? null : Path.Combine(traces, $"load-{load}.json"));
    if (detail)
    {
        Console.WriteLine(load == 0 ? "Warm-up load:" : $"Load {load}:");
        Console.WriteLine(timeline);
    }
    if (load == 0)
    {
        Console.WriteLine($"Warm-up load (the first after start): published at {moments["published"].ToString(CultureInfo.InvariantCulture)} ms");
    }
    else
    {
        runs.Add(moments);
    }
    // Each load starts alone in the session, as the first visitor would.
    await BrowsersGoneAsync(http);
}

Console.WriteLine();
Console.WriteLine($"Page to published: {loads} loads of the call page, each in a fresh profile, headless Chromium ({chromium}), app in emulator mode (Release, published); {Machine.Description}; load average {F(loadAtStart)} at the start, {F(Machine.LoadAverage)} at the end");
Console.WriteLine();
Console.WriteLine("| Moment (ms from navigation start) | median | p90 |");
Console.WriteLine("|---|---|---|");
foreach (var (name, meaning) in PageMoments.All)
{
    var values = runs.Where(run => run.ContainsKey(name)).Select(run => run[name]).ToList();
    Console.WriteLine(values.Count == 0 ? $"| {meaning} | not seen | |" : $"| {meaning} | {F(Median(values))} | {F(P90(values))} |");
}
var end = app.Memory;
Console.WriteLine($"| App resident memory, emulator in-process (MiB): idle · after the loads · peak | {F(idle.RssMiB)} · {F(end.RssMiB)} · {F(end.PeakMiB)} | |");
Console.WriteLine();
var published = Median([.. runs.Select(run => run["published"])]);
Console.WriteLine("Goal of issue 16 (printed only, never in the exit code):");
Console.WriteLine($"{(published <= GoalMs ? "PASS" : "FAIL")}  page to published ≤ {F(GoalMs)} ms at p50: {F(published)} ms (p90 {F(P90([.. runs.Select(run => run["published"])]))} ms)");
return 0;

static async Task<(Dictionary<string, double> Moments, string Timeline)> LoadAsync(IBrowser browser, string baseUrl, bool detail, string? trace)
{
    await using var context = await browser.NewContextAsync(new BrowserNewContextOptions { Permissions = ["microphone"] });
    await context.AddInitScriptAsync(PageMoments.Recorder);
    if (detail)
    {
        await context.AddInitScriptAsync(PageMoments.SocketRecorder);
    }
    var page = await context.NewPageAsync();
    var tracing = trace is null ? null : await Tracing.StartAsync(context, page);
    // Listened for before the navigation: nothing of the tool runs in the page while it loads (PageMoments.Recorder).
    var published = page.WaitForConsoleMessageAsync(new PageWaitForConsoleMessageOptions
    {
        Predicate = message => message.Text == PageMoments.PublishedMessage,
        Timeout = 30_000,
    });
    await page.GotoAsync($"{baseUrl}/", new PageGotoOptions { WaitUntil = WaitUntilState.Commit });
    try
    {
        await published;
    }
    catch (TimeoutException)
    {
        var status = await page.Locator(".call-status").InnerTextAsync();
        throw new InvalidOperationException($"The page did not publish within 30 s; it says: {status}");
    }
    if (tracing is not null)
    {
        await tracing.StopAsync(trace!);
    }
    return (PageMoments.Parse(await page.EvaluateAsync<string>(PageMoments.Read)), await page.EvaluateAsync<string>(PageMoments.Timeline));
}

static async Task BrowsersGoneAsync(HttpClient http)
{
    var deadline = DateTime.UtcNow.AddSeconds(30);
    while (DateTime.UtcNow < deadline)
    {
        var sessions = await http.GetFromJsonAsync<JsonObject>("/emulator/control/sessions");
        var browsers = sessions!["sessions"]!.AsArray().SelectMany(session => session!["participants"]!.AsArray())
            .Concat(sessions["participantsWithoutSession"]!.AsArray())
            .Count(participant => (string?)participant!["tag"] == "hello-world-browser");
        if (browsers == 0)
        {
            return;
        }
        await Task.Delay(200);
    }
    throw new TimeoutException("The closed pages' participants were still there after 30 s.");
}

static double Median(List<double> values)
{
    var sorted = values.Order().ToArray();
    return Math.Round(sorted.Length % 2 == 1 ? sorted[sorted.Length / 2] : (sorted[sorted.Length / 2 - 1] + sorted[sorted.Length / 2]) / 2, 1);
}

// Nearest rank: the smallest value at or above which 90% of the loads lie.
static double P90(List<double> values) => values.Order().ElementAt((int)Math.Ceiling(0.9 * values.Count) - 1);

static string F(double value) => value.ToString(CultureInfo.InvariantCulture);

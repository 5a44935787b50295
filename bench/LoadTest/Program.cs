using System.Text.Json;
using Bench;
using LoadTest;

// Dials simulated phones into the app and, in the same run, into a floor server that does the same two WebRTC API calls
// and answers the same BXML with nothing else, through one Bandwidth emulator hosted here, at each concurrency, in
// alternating blocks; also times the two API calls made directly. Checks the app's outcome (every phone in the one
// session, two API round trips each, no 5xx, nothing left after hang-up), prints one table with the ratios, the first
// webhook after start and the app's resident memory, then the issue-16 goals; writes it all as JSON; exits non-zero
// when a check fails (never for a goal).

if (args is ["--median", .. var files] && files.Length > 0)
{
    return Medians.Print(files);
}
if (LoadOptions.Parse(args) is not { } options)
{
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}
var loadAtStart = Machine.LoadAverage;
var repository = Repository.Root();
var account = EmulatedAccount.ForLoad;
Console.WriteLine($"Publishing the app and the floor server (Release) from {repository}…");
var appDirectory = await Published.PublishAsync(repository, "HelloWorld.Blazor/HelloWorld.Blazor.csproj", "app");
var floorDirectory = await Published.PublishAsync(repository, "bench/FloorServer/FloorServer.csproj", "floor-server");

await using var emulator = await EmulatorHost.StartAsync(account);
Console.WriteLine($"Emulator on {emulator.BaseUrl}; starting the app in account mode against it, then the floor server…");
// The app as it ships (its own appsettings.json, logging included), only pointed at the emulator as at an account.
await using var appProcess = await ServerProcess.StartAsync("app", appDirectory, "HelloWorld.Blazor.dll", account.AppEnvironment(emulator.BaseUrl));
await using var floorProcess = await ServerProcess.StartAsync("floor server", floorDirectory, "FloorServer.dll", account.FloorServerEnvironment(emulator.BaseUrl));
Console.WriteLine($"App (pid {appProcess.Id}) on {appProcess.BaseUrl}, floor server (pid {floorProcess.Id}) on {floorProcess.BaseUrl}.");
var app = new ServerUnderTest("app", appProcess, "hello-world-phone", '7');
var floorServer = new ServerUnderTest("floor server", floorProcess, "floor-server-phone", '8');

using var http = new HttpClient { BaseAddress = emulator.BaseUri, Timeout = TimeSpan.FromSeconds(60) };
var control = new Control(http);
var dialer = new Dialer(control, emulator.Routes);
using var direct = new DirectFloor(emulator.BaseUri, account);

// The emulator's own first calls pay for its JIT compilation and first connections: made before either server is timed.
Console.WriteLine("Warming the emulator up (its own dial-ins, hung up at once, and direct API calls)…");
emulator.Routes.Target = emulator.BaseUri;
await dialer.DialAsync([.. Enumerable.Range(0, options.WarmUpCalls).Select(i => ServerUnderTest.Number('5', 0, i))], concurrency: 1);
await direct.MeasureAsync(options.WarmUpCalls, concurrency: 1);
await direct.CleanUpAsync(concurrency: 1);

var idleFor = Program.IdleBeforeFirstWebhook - System.Diagnostics.Stopwatch.GetElapsedTime(appProcess.ListeningSince);
if (idleFor > TimeSpan.Zero)
{
    await Task.Delay(idleFor);
}
var appIdle = appProcess.Memory;
var floorIdle = floorProcess.Memory;

// The first webhook after start pays for JIT compilation, the first connections and (unless made at start) the session:
// reported on its own line. The warm-up's other calls are not measured, so the percentiles describe the steady state
// (100 by default: tiered compilation promotes a method after 30 calls, and with dynamic PGO twice).
Console.WriteLine($"First webhooks after start, then {options.WarmUpCalls} warm-up dial-ins each…");
var coldWebhookMs = new Dictionary<string, double>();
foreach (var server in new[] { app, floorServer })
{
    emulator.Routes.Target = server.Process.BaseUri;
    var (warmUp, _) = await dialer.DialAsync(server.Numbers(0, 0, options.WarmUpCalls), concurrency: 1);
    var first = warmUp.OrderBy(call => (DateTimeOffset)call["startTime"]!).First();
    coldWebhookMs[server.Name] = Level.InitiateTimes([first]).DefaultIfEmpty(double.NaN).First();
    await dialer.HangUpAsync(warmUp.Select(call => (string)call["callId"]!), server.ParticipantTag, concurrency: 1);
}
emulator.Routes.Target = null;
// Tiered compilation recompiles what the warm-up made hot on a background thread, for tens of seconds in the app: the
// levels start once that is over, so they measure the steady state and not the JIT.
var settling = await Quiet.WaitAsync([Environment.ProcessId, appProcess.Id, floorProcess.Id], TimeSpan.FromSeconds(90));
Console.WriteLine($"The emulator and both servers went quiet {settling.TotalSeconds:0} s after the warm-up.");

var levels = new List<LevelResult>();
var run = new Level(options, emulator, control, dialer, direct, app, floorServer);
foreach (var (concurrency, index) in options.Concurrency.Select((concurrency, index) => (concurrency, index)))
{
    Console.WriteLine($"C={concurrency}: {options.Calls} dial-ins to the app, {options.Calls} to the floor server and {options.Calls} direct API floors, in {options.Blocks} alternating blocks{(options.Faults ? ", with faults in the WebRTC API while the app is dialed" : "")}…");
    levels.Add(await run.RunAsync(index + 1, concurrency));
}

static MemoryFigures Memory(ResidentMemory idle, ServerProcess process)
{
    var end = process.Memory;
    return new(idle.RssMiB, end.PeakMiB, end.RssMiB);
}
var result = new LoadResult(
    Machine: Machine.Description,
    LoadAverage: [loadAtStart, Machine.LoadAverage],
    Date: DateTimeOffset.Now,
    Calls: options.Calls,
    Concurrency: options.Concurrency,
    Blocks: options.Blocks,
    Faults: options.Faults,
    WarmUpCalls: options.WarmUpCalls,
    AppColdWebhookMs: Math.Round(coldWebhookMs[app.Name], 1),
    FloorServerColdWebhookMs: Math.Round(coldWebhookMs[floorServer.Name], 1),
    AppMemory: Memory(appIdle, appProcess),
    FloorServerMemory: Memory(floorIdle, floorProcess),
    Levels: levels);

var checks = Goals.Checks(result);
var goals = Goals.Of(result);
Report.Print(result, checks, goals);
var output = options.Output ?? Path.Combine(repository, "bench", "results", $"load-{DateTime.UtcNow:yyyyMMdd-HHmmss}{(options.Faults ? "-faults" : "")}.json");
Directory.CreateDirectory(Path.GetDirectoryName(output)!);
await File.WriteAllTextAsync(output, JsonSerializer.Serialize(new { result, checks, goals }, new JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine($"Written to {output}");
return checks.All(check => check.Passed) ? 0 : 1;

internal partial class Program
{
    /// <summary>
    /// How long after a server starts listening its first webhook comes: a real first caller is seconds away at least,
    /// and work an app starts in the background at start (a session, warm connections) has that long to finish.
    /// </summary>
    public static readonly TimeSpan IdleBeforeFirstWebhook = TimeSpan.FromSeconds(3);
}

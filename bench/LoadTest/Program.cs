using System.Text.Json;
using Bench;
using LoadTest;

// Dials simulated phones into the app (one instance, or several sharing a Redis, its webhooks spread over them) and, in the
// same run, into a floor server that does the same two WebRTC API calls and answers the same BXML with nothing else, and
// into a design floor that does the same through the owner's given design alone (MVC, RestSharp, Polly), through one
// Bandwidth emulator hosted here, at each concurrency, in alternating blocks; also times the two API calls made directly. Checks the app's outcome (every phone in the one session, two API round trips each, no 5xx, nothing left
// after hang-up), prints one table with the ratios, the first webhook after start and the app's resident memory, then the
// issue-16 goals; writes it all as JSON; exits non-zero when a check fails (never for a goal).

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
Console.WriteLine($"Publishing the app and the floor server (Release; the design floor is its --design mode) from {repository}…");
var appDirectory = await Published.PublishAsync(repository, "HelloWorld.Blazor/HelloWorld.Blazor.csproj", "app");
var floorDirectory = await Published.PublishAsync(repository, "bench/FloorServer/FloorServer.csproj", "floor-server");

await using var emulator = await EmulatorHost.StartAsync(account);
// Several instances share one Redis (issue 15); one needs nothing, as `dotnet run` on one machine.
await using var redis = options.Instances > 1 ? await RedisServer.StartAsync() : null;
Console.WriteLine($"Emulator on {emulator.BaseUrl}{(redis is null ? "" : $", redis-server (pid {redis.Id}) on {redis.ConnectionString}")}; " +
                  $"starting the app in account mode against it ({options.Instances} instance{(options.Instances == 1 ? "" : "s")}), then the floor server and the design floor…");
// The app as it ships (its own appsettings.json, logging included), only pointed at the emulator as at an account.
IEnumerable<KeyValuePair<string, string>> appEnvironment =
    [.. account.AppEnvironment(emulator.BaseUrl), .. redis is null ? [] : new[] { KeyValuePair.Create("ConnectionStrings__redis", redis.ConnectionString) }];
await using var processes = new Owned();
var appInstances = new List<ServerProcess>();
for (var i = 1; i <= options.Instances; i++)
{
    var name = options.Instances == 1 ? "app" : $"app instance {i}";
    appInstances.Add(processes.Add(await ServerProcess.StartAsync(name, appDirectory, "HelloWorld.Blazor.dll", appEnvironment)));
}
// One floor server whatever the app's instances: it is the floor for the work of answering a dial-in, not for scale-out.
var floorProcess = processes.Add(await ServerProcess.StartAsync("floor server", floorDirectory, "FloorServer.dll", account.FloorServerEnvironment(emulator.BaseUrl)));
// The same project in its design mode: the floor server's work through MVC, RestSharp and Polly only (bench/README.md).
var designProcess = processes.Add(await ServerProcess.StartAsync("design floor", floorDirectory, "FloorServer.dll",
    account.FloorServerEnvironment(emulator.BaseUrl), ["--design"]));
Console.WriteLine($"{string.Join(", ", appInstances.Select(instance => $"{instance.Name} (pid {instance.Id}) on {instance.BaseUrl}"))}, " +
                  $"floor server (pid {floorProcess.Id}) on {floorProcess.BaseUrl}, design floor (pid {designProcess.Id}) on {designProcess.BaseUrl}.");
var app = new ServerUnderTest("app", appInstances, "hello-world-phone", '7');
var floorServer = new ServerUnderTest("floor server", floorProcess, "floor-server-phone", '8');
var designFloor = new ServerUnderTest("design floor", designProcess, "design-floor-phone", '9');
// The processes whose work a block must not pay for: the emulator's (this one), the servers' and the instances' Redis.
List<int> watched = [Environment.ProcessId, .. app.ProcessIds, .. floorServer.ProcessIds, .. designFloor.ProcessIds, .. redis is null ? [] : new[] { redis.Id }];

using var http = new HttpClient { BaseAddress = emulator.BaseUri, Timeout = TimeSpan.FromSeconds(60) };
var control = new Control(http);
var dialer = new Dialer(control, emulator.Routes);
using var direct = new DirectFloor(emulator.BaseUri, account);

// The emulator's own first calls pay for its JIT compilation and first connections: made before either server is timed.
Console.WriteLine("Warming the emulator up (its own dial-ins, hung up at once, and direct API calls)…");
emulator.Routes.To(emulator.BaseUri);
await dialer.DialAsync([.. Enumerable.Range(0, options.WarmUpCalls).Select(i => ServerUnderTest.Number('5', 0, i))], concurrency: 1);
await direct.MeasureAsync(options.WarmUpCalls, concurrency: 1);
await direct.CleanUpAsync(concurrency: 1);

var idleFor = Program.IdleBeforeFirstWebhook - System.Diagnostics.Stopwatch.GetElapsedTime(appInstances[^1].ListeningSince);
if (idleFor > TimeSpan.Zero)
{
    await Task.Delay(idleFor);
}
var appIdle = appInstances.Select(instance => instance.Memory).ToList();
var floorIdle = floorProcess.Memory;
var designIdle = designProcess.Memory;
var redisIdle = redis?.Memory;

// The first webhook after start pays for JIT compilation, the first connections and (unless made at start) the session:
// reported on its own line, for each instance (each its own call, all its webhooks to that instance alone, so every
// instance's first webhook is an initiate). The warm-up's other calls are not measured, so the percentiles describe the
// steady state (100 by default: tiered compilation promotes a method after 30 calls, and with dynamic PGO twice).
Console.WriteLine($"First webhooks after start, then {options.WarmUpCalls} warm-up dial-ins each…");
var coldWebhookMs = new Dictionary<ServerProcess, double>();
foreach (var server in new[] { app, floorServer, designFloor })
{
    var warmUp = new List<System.Text.Json.Nodes.JsonObject>();
    foreach (var (instance, i) in server.Instances.Select((instance, i) => (instance, i)))
    {
        emulator.Routes.To(instance.BaseUri);
        var (cold, _) = await dialer.DialAsync(server.Numbers(0, i, 1), concurrency: 1);
        coldWebhookMs[instance] = Level.InitiateTimes(cold).DefaultIfEmpty(double.NaN).First();
        warmUp.AddRange(cold);
    }
    emulator.Routes.To(server.BaseUris);
    var rest = Math.Max(0, options.WarmUpCalls - server.Instances.Count);
    warmUp.AddRange((await dialer.DialAsync(server.Numbers(0, server.Instances.Count, rest), concurrency: 1)).Calls);
    await dialer.HangUpAsync(warmUp.Select(call => (string)call["callId"]!), server.ParticipantTag, concurrency: 1);
}
emulator.Routes.To();
// Tiered compilation recompiles what the warm-up made hot on a background thread, for tens of seconds in the app: the
// levels start once that is over, so they measure the steady state and not the JIT.
var settling = await Quiet.WaitAsync(watched, TimeSpan.FromSeconds(90));
Console.WriteLine($"The emulator and the servers went quiet {settling.TotalSeconds:0} s after the warm-up.");

var levels = new List<LevelResult>();
var run = new Level(options, emulator, control, dialer, direct, app, floorServer, designFloor, watched, redis);
foreach (var (concurrency, index) in options.Concurrency.Select((concurrency, index) => (concurrency, index)))
{
    Console.WriteLine($"C={concurrency}: {options.Calls} dial-ins to the app{(options.Instances == 1 ? "" : $" (over its {options.Instances} instances)")}, {options.Calls} to the floor server, {options.Calls} to the design floor and {options.Calls} direct API floors, in {options.Blocks} alternating blocks{(options.Faults ? ", with faults in the WebRTC API while the app is dialed" : "")}…");
    levels.Add(await run.RunAsync(index + 1, concurrency));
}

static MemoryFigures Memory(ResidentMemory idle, ResidentMemory end) => new(idle.RssMiB, end.PeakMiB, end.RssMiB);
var result = new LoadResult(
    Machine: Machine.Description,
    LoadAverage: [loadAtStart, Machine.LoadAverage],
    Date: DateTimeOffset.Now,
    Calls: options.Calls,
    Concurrency: options.Concurrency,
    Blocks: options.Blocks,
    Faults: options.Faults,
    WarmUpCalls: options.WarmUpCalls,
    Instances: options.Instances,
    AppColdWebhookMs: [.. appInstances.Select(instance => Math.Round(coldWebhookMs[instance], 1))],
    FloorServerColdWebhookMs: Math.Round(coldWebhookMs[floorProcess], 1),
    AppMemory: [.. appInstances.Select((instance, i) => Memory(appIdle[i], instance.Memory))],
    FloorServerMemory: Memory(floorIdle, floorProcess.Memory),
    RedisMemory: redis is null ? null : Memory(redisIdle!.Value, redis.Memory),
    Levels: levels,
    DesignFloorColdWebhookMs: Math.Round(coldWebhookMs[designProcess], 1),
    DesignFloorMemory: Memory(designIdle, designProcess.Memory));

var checks = Goals.Checks(result);
var goals = Goals.Of(result);
Report.Print(result, checks, goals);
var output = options.Output ?? Path.Combine(repository, "bench", "results",
    $"load-{DateTime.UtcNow:yyyyMMdd-HHmmss}{(options.Instances == 1 ? "" : $"-{options.Instances}-instances")}{(options.Faults ? "-faults" : "")}.json");
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

using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using Bench;

namespace LoadTest;

/// <summary>
/// A server the emulator's webhooks can be routed to, in one or more instances (processes sharing its state), and how its
/// phones are told apart.
/// </summary>
internal sealed record ServerUnderTest(string Name, IReadOnlyList<ServerProcess> Instances, string ParticipantTag, char NumberDigit)
{
    public ServerUnderTest(string name, ServerProcess process, string participantTag, char numberDigit)
        : this(name, [process], participantTag, numberDigit)
    {
    }

    public IReadOnlyList<Uri> BaseUris => [.. Instances.Select(instance => instance.BaseUri)];

    public IEnumerable<int> ProcessIds => Instances.Select(instance => instance.Id);

    public List<double> MemoryMiB() => [.. Instances.Select(instance => instance.Memory.RssMiB)];

    /// <summary>User and system CPU time of all its instances, in clock ticks.</summary>
    public long CpuTicks() => ProcessIds.Sum(Quiet.CpuTicks);

    public static string Number(char digit, int level, int index) => $"+1919{digit}{level}{index:D5}";

    public IReadOnlyList<string> Numbers(int level, int first, int count) => [.. Enumerable.Range(first, count).Select(i => Number(NumberDigit, level, i))];
}

/// <summary>
/// One concurrency level: the app, the design floor, the floor server and the direct API floor each take N calls, C at a
/// time, in alternating blocks (app, design floor, floor server, direct; then direct, floor server, design floor, app; ...)
/// so that whatever else the machine does meanwhile falls on all four alike. Then the app's outcome is checked and
/// everyone hangs up.
/// </summary>
/// <remarks>
/// <paramref name="watched"/>: the processes whose quiet each block waits for (the emulator's, the servers', Redis);
/// <paramref name="redis"/>: the app's instances' Redis, if they share one.
/// </remarks>
internal sealed partial class Level(LoadOptions options, EmulatorHost emulator, Control control, Dialer dialer, DirectFloor direct,
    ServerUnderTest app, ServerUnderTest floorServer, ServerUnderTest designFloor, IReadOnlyList<int> watched, RedisServer? redis)
{
    // 10% of WebRTC API requests refused (503, or 429 with Retry-After), another 10% delayed; only while the app is dialed.
    private static readonly object[] FaultMix =
    [
        new { pathPattern = "/emulator/webrtc/v1/", status = 503, probability = 0.05 },
        new { pathPattern = "/emulator/webrtc/v1/", status = 429, retryAfterSeconds = 1, probability = 0.05 },
        new { pathPattern = "/emulator/webrtc/v1/", delayMs = 250, probability = 0.10 },
    ];

    // Warm-up calls dial from numbers of their own, apart from the measured ones.
    private const int WarmUpNumbers = LoadOptions.WarmUpLimit;

    public async Task<LevelResult> RunAsync(int level, int concurrency)
    {
        var appCalls = new List<JsonObject>();
        var floorCalls = new List<JsonObject>();
        var designCalls = new List<JsonObject>();
        var directTimes = new List<double>();
        var appRequests = new List<JsonObject>();
        var appDialing = TimeSpan.Zero;
        var redisCommands = 0L;
        var quietWait = TimeSpan.Zero;
        long appCpuTicks = 0, floorCpuTicks = 0, designCpuTicks = 0;
        await WarmUpAsync(level, concurrency);
        var first = 0;
        foreach (var (size, block) in options.BlockSizes.Select((size, block) => (size, block)))
        {
            async Task AppAsync()
            {
                if (options.Faults)
                {
                    foreach (var fault in FaultMix)
                    {
                        await control.AddFaultAsync(fault);
                    }
                }
                await control.ClearRequestsAsync();
                emulator.Routes.To(app.BaseUris);
                var commandsBefore = redis is null ? 0 : await redis.CommandsProcessedAsync();
                var cpuBefore = app.CpuTicks();
                var (calls, elapsed) = await dialer.DialAsync(app.Numbers(level, first, size), concurrency);
                appCpuTicks += await CpuSinceAsync(app, cpuBefore);
                redisCommands += redis is null ? 0 : await redis.CommandsProcessedAsync() - commandsBefore;
                appRequests.AddRange(await control.RequestsAsync());
                await control.ClearFaultsAsync();
                appCalls.AddRange(calls);
                appDialing += elapsed;
            }
            async Task<long> FloorAsync(ServerUnderTest floor, List<JsonObject> calls)
            {
                emulator.Routes.To(floor.BaseUris);
                var cpuBefore = floor.CpuTicks();
                calls.AddRange((await dialer.DialAsync(floor.Numbers(level, first, size), concurrency)).Calls);
                return await CpuSinceAsync(floor, cpuBefore);
            }
            async Task FloorServerAsync() => floorCpuTicks += await FloorAsync(floorServer, floorCalls);
            async Task DesignFloorAsync() => designCpuTicks += await FloorAsync(designFloor, designCalls);
            async Task DirectAsync() => directTimes.AddRange(await direct.MeasureAsync(size, concurrency));

            Func<Task>[] order = block % 2 == 0
                ? [AppAsync, DesignFloorAsync, FloorServerAsync, DirectAsync]
                : [DirectAsync, FloorServerAsync, DesignFloorAsync, AppAsync];
            foreach (var step in order)
            {
                quietWait += await Quiet.WaitAsync(watched, TimeSpan.FromSeconds(10));
                await step();
            }
            first += size;
        }

        Console.WriteLine($"  C={concurrency}: {quietWait.TotalSeconds:0.0} s spent waiting for the emulator and the servers to go quiet between blocks");
        var cpu = new CpuPerDialIn(PerDialIn(appCpuTicks, appCalls.Count), PerDialIn(floorCpuTicks, floorCalls.Count), Machine.LoadAverage,
            PerDialIn(designCpuTicks, designCalls.Count));
        var sessions = await control.SessionsAsync();
        var memoryWithPhonesIn = app.MemoryMiB();
        Console.WriteLine($"  C={concurrency}: hanging everyone up…");
        emulator.Routes.To(app.BaseUris);
        var appEnded = await dialer.HangUpAsync(appCalls.Select(CallId), app.ParticipantTag, concurrency);
        emulator.Routes.To(floorServer.BaseUris);
        await dialer.HangUpAsync(floorCalls.Select(CallId), floorServer.ParticipantTag, concurrency);
        emulator.Routes.To(designFloor.BaseUris);
        await dialer.HangUpAsync(designCalls.Select(CallId), designFloor.ParticipantTag, concurrency);
        emulator.Routes.To();
        await direct.CleanUpAsync(concurrency);
        var remaining = await control.ParticipantsAsync(app.ParticipantTag);

        var joined = appCalls.Count(Joined);
        var api = ApiRequests.Count(appRequests);
        var appWebhook = Stats.Of(InitiateTimes(appCalls));
        var floorWebhook = Stats.Of(InitiateTimes(floorCalls));
        var designWebhook = Stats.Of(InitiateTimes(designCalls));
        var directFloor = Stats.Of(directTimes);
        var lost = appCalls.Concat(floorCalls).Concat(designCalls).Where(call => !Joined(call))
            .Select(call => $"lost: {call["callId"]} from {call["from"]} ended ({call["cause"]}) {call["errorMessage"]}; webhooks: {call["webhooks"]?.ToJsonString()}");
        return new LevelResult(
            Concurrency: concurrency,
            App: new ServerRun(appCalls.Count, joined, Math.Round(joined / appDialing.TotalSeconds, 1), appWebhook),
            FloorServer: new ServerRun(floorCalls.Count, floorCalls.Count(Joined), null, floorWebhook),
            DirectFloorMs: directFloor,
            AppToFloorServer: Ratio.Of(appWebhook, floorWebhook),
            AppToDirectFloor: Ratio.Of(appWebhook, directFloor),
            FloorServerToDirectFloor: Ratio.Of(floorWebhook, directFloor),
            Api: api,
            RoundTripsPerParticipant: joined == 0 ? 0 : Math.Round((api.CreateParticipant + api.AddParticipantToSession) / (double)joined, 2),
            Sessions: Control.SessionsHolding(sessions, app.ParticipantTag),
            PhoneParticipantsInSession: Control.Participants(sessions, app.ParticipantTag),
            Webhooks5xx: appEnded.SelectMany(call => call["webhooks"]!.AsArray()).Count(webhook => (int)webhook!["status"]! >= 500),
            PhoneParticipantsAfterHangUp: remaining,
            AppMemoryWithPhonesInMiB: memoryWithPhonesIn,
            AppMemoryAfterHangUpMiB: app.MemoryMiB(),
            Spread: redis is null ? null : Spread.Of(appCalls.Select(CallId).Select(emulator.Routes.Reached), app.Instances.Count,
                Math.Round(redisCommands / (double)Math.Max(1, appCalls.Count), 1)),
            FloorServerAnswersAppBxml: SameBxml(appCalls, floorCalls),
            Lost: [.. lost],
            Cpu: cpu,
            DesignFloor: new ServerRun(designCalls.Count, designCalls.Count(Joined), null, designWebhook),
            AppToDesignFloor: Ratio.Of(appWebhook, designWebhook),
            DesignFloorToFloorServer: Ratio.Of(designWebhook, floorWebhook),
            DesignFloorAnswersAppBxml: SameBxml(appCalls, designCalls));
    }

    /// <summary>
    /// The CPU time a server's processes spent since <paramref name="before"/>, once they have gone quiet: a block's
    /// dial-ins and what they left running (the transfers' webhooks, deletions, a collection), and nothing of the other
    /// servers' blocks. Unlike a latency, it hardly moves when other work on the machine queues for the CPU.
    /// </summary>
    private static async Task<long> CpuSinceAsync(ServerUnderTest server, long before)
    {
        await Quiet.WaitAsync([.. server.ProcessIds], TimeSpan.FromSeconds(10));
        return server.CpuTicks() - before;
    }

    private static double PerDialIn(long ticks, int calls) =>
        calls == 0 ? double.NaN : Math.Round(ticks * 1000.0 / Quiet.TicksPerSecond / calls, 3);

    /// <summary>
    /// Unmeasured calls to each server at this concurrency, then a wait for quiet: code paths that only run under
    /// concurrency (connection pools growing, contention) are compiled and tiered up here, not in the measured blocks.
    /// </summary>
    private async Task WarmUpAsync(int level, int concurrency)
    {
        foreach (var server in new[] { app, floorServer, designFloor })
        {
            emulator.Routes.To(server.BaseUris);
            var (calls, _) = await dialer.DialAsync(server.Numbers(level, WarmUpNumbers, options.WarmUpCalls), concurrency);
            await dialer.HangUpAsync(calls.Select(CallId), server.ParticipantTag, concurrency);
        }
        emulator.Routes.To();
        await direct.MeasureAsync(options.WarmUpCalls, concurrency);
        await direct.CleanUpAsync(concurrency);
        var settling = await Quiet.WaitAsync(watched, TimeSpan.FromSeconds(60));
        Console.WriteLine($"  C={concurrency}: warmed up with {options.WarmUpCalls} calls to each; quiet {settling.TotalSeconds:0} s later");
    }

    private static string CallId(JsonObject call) => (string)call["callId"]!;

    private static bool Joined(JsonObject call) => (string?)call["state"] == "transferred";

    private static JsonNode? Initiate(JsonObject call) =>
        call["webhooks"]!.AsArray().FirstOrDefault(webhook => (string?)webhook!["eventType"] == "initiate");

    public static List<double> InitiateTimes(IEnumerable<JsonObject> calls) =>
        [.. calls.Select(Initiate).OfType<JsonNode>().Select(webhook => (double)webhook["durationMs"]!)];

    /// <summary>
    /// Whether every phone got one and the same BXML from the app and a floor once the call id and token in <c>uui</c> are
    /// set aside (their shape is kept): a floor must do the app's work, not less.
    /// </summary>
    private static bool SameBxml(IEnumerable<JsonObject> appCalls, IEnumerable<JsonObject> floorCalls)
    {
        static HashSet<string> Shapes(IEnumerable<JsonObject> calls) =>
            [.. calls.Select(Initiate).Select(webhook => Uui().Replace((string?)webhook?["bxml"] ?? "(none)", "uui=\"CALLID;encoding=base64,TOKEN;encoding=jwt\""))];
        var app = Shapes(appCalls);
        return app.Count == 1 && app.SetEquals(Shapes(floorCalls));
    }

    [GeneratedRegex(@"uui=""[0-9A-Za-z]+;encoding=base64,[0-9A-Za-z_\-]+\.[0-9A-Za-z_\-]+\.[0-9A-Za-z_\-]+;encoding=jwt""")]
    private static partial Regex Uui();
}

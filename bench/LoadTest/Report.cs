using System.Globalization;
using System.Text.Json.Nodes;
using System.Text.Json.Serialization;

namespace LoadTest;

internal sealed record Stats(double P50, double P95, double P99, double Max)
{
    public static Stats Of(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0)
        {
            return new(double.NaN, double.NaN, double.NaN, double.NaN);
        }
        var sorted = values.Order().ToArray();
        double At(double quantile) => Math.Round(sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * quantile))], 1);
        return new(At(0.50), At(0.95), At(0.99), Math.Round(sorted[^1], 1));
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"p50 {P50} · p95 {P95} · p99 {P99} · max {Max}");
}

internal sealed record Ratio(double P50, double P99)
{
    public static Ratio Of(Stats numerator, Stats denominator) =>
        new(Math.Round(numerator.P50 / denominator.P50, 2), Math.Round(numerator.P99 / denominator.P99, 2));

    public bool Within(double factor) => P50 <= factor && P99 <= factor;

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"p50 {P50}× · p99 {P99}×");
}

/// <summary>The app's WebRTC API requests, sorted by operation; those that failed (injected faults included) were retried.</summary>
internal sealed record ApiRequests(int CreateParticipant, int AddParticipantToSession, int CreateSession, int Other, int Failed)
{
    public static ApiRequests Count(IEnumerable<JsonObject> log)
    {
        int createParticipant = 0, add = 0, createSession = 0, other = 0, failed = 0;
        foreach (var request in log.Where(r => ((string)r["path"]!).StartsWith("/emulator/webrtc/", StringComparison.Ordinal)))
        {
            var status = (int)request["status"]!;
            if (status >= 300 || (bool)request["faulted"]!)
            {
                failed++;
                continue;
            }
            var method = (string)request["method"]!;
            var path = (string)request["path"]!;
            if (method == "POST" && path.EndsWith("/participants", StringComparison.Ordinal))
            {
                createParticipant++;
            }
            else if (method == "PUT" && path.Contains("/sessions/", StringComparison.Ordinal) && path.Contains("/participants/", StringComparison.Ordinal))
            {
                add++;
            }
            else if (method == "POST" && path.EndsWith("/sessions", StringComparison.Ordinal))
            {
                createSession++;
            }
            else
            {
                other++;
            }
        }
        return new(createParticipant, add, createSession, other, failed);
    }

    public override string ToString() =>
        $"{CreateParticipant} createParticipant, {AddParticipantToSession} addParticipantToSession, {CreateSession} createSession, {Other} other";
}

internal sealed record ServerRun(int Dialed, int Joined, double? CallsPerSecond, Stats InitiateWebhookMs);

/// <summary>
/// How the app's calls' webhooks fell over its instances: the <c>initiate</c>s (a call's first webhook) each instance
/// answered, the calls whose webhooks reached more than one instance, and the commands Redis processed per dial-in
/// while the app was dialed (its instances' background work included).
/// </summary>
internal sealed record Spread(IReadOnlyList<int> InitiatesPerInstance, int CallsAcrossInstances, double RedisCommandsPerDialIn)
{
    public static Spread Of(IEnumerable<IReadOnlyList<int>> calls, int instances, double redisCommandsPerDialIn)
    {
        var initiates = new int[instances];
        var across = 0;
        foreach (var reached in calls.Where(reached => reached.Count > 0))
        {
            initiates[reached[0]]++;
            across += reached.Distinct().Count() > 1 ? 1 : 0;
        }
        return new(initiates, across, redisCommandsPerDialIn);
    }

    public override string ToString() =>
        $"{string.Join(" + ", InitiatesPerInstance)} initiates; {CallsAcrossInstances} calls on more than one instance; " +
        $"{RedisCommandsPerDialIn.ToString(CultureInfo.InvariantCulture)} Redis commands per dial-in";
}

internal sealed record LevelResult(
    int Concurrency, ServerRun App, ServerRun FloorServer, Stats DirectFloorMs,
    Ratio AppToFloorServer, Ratio AppToDirectFloor, Ratio FloorServerToDirectFloor,
    ApiRequests Api, double RoundTripsPerParticipant, int Sessions, int PhoneParticipantsInSession, int Webhooks5xx,
    int PhoneParticipantsAfterHangUp,
    [property: JsonConverter(typeof(OneOrMany<double>))] IReadOnlyList<double> AppMemoryWithPhonesInMiB,
    [property: JsonConverter(typeof(OneOrMany<double>))] IReadOnlyList<double> AppMemoryAfterHangUpMiB,
    bool FloorServerAnswersAppBxml, IReadOnlyList<string> Lost, Spread? Spread, CpuPerDialIn? Cpu = null,
    ServerRun? DesignFloor = null, Ratio? AppToDesignFloor = null, Ratio? DesignFloorToFloorServer = null, bool DesignFloorAnswersAppBxml = true);

/// <summary>
/// CPU time (user and system, from <c>/proc/PID/stat</c>) each server's processes spent per dial-in during its blocks,
/// and the load average when the level ended. Where the CPU is saturated the latency ratio follows this one; under other
/// work's load, which moves latencies by 2×, this one stays put: the figure to compare two versions of the app by.
/// Result files from before it have none; from before the design floor, no <see cref="DesignFloorMs"/>.
/// </summary>
internal sealed record CpuPerDialIn(double AppMs, double FloorServerMs, double LoadAverage, double? DesignFloorMs = null)
{
    public double AppToFloorServer => Math.Round(AppMs / FloorServerMs, 2);

    public double? AppToDesignFloor => DesignFloorMs is { } design ? Math.Round(AppMs / design, 2) : null;

    public double? DesignFloorToFloorServer => DesignFloorMs is { } design ? Math.Round(design / FloorServerMs, 2) : null;
}

/// <summary>Resident memory (VmRSS, MiB): idle before the first webhook, the high-water mark, and at the end with everyone hung up.</summary>
internal sealed record MemoryFigures(double IdleMiB, double PeakMiB, double EndMiB);

/// <remarks>
/// The app's figures are per instance (<see cref="Instances"/> of them, on Redis when more than one). Result files from
/// before that read as one instance's: a single figure as a list of one, no <see cref="LevelResult.Spread"/>. Result
/// files from before the design floor have none of its figures.
/// </remarks>
internal sealed record LoadResult(
    string Machine, IReadOnlyList<double> LoadAverage, DateTimeOffset Date, int Calls, IReadOnlyList<int> Concurrency, int Blocks, bool Faults, int WarmUpCalls,
    [property: JsonConverter(typeof(OneOrMany<double>))] IReadOnlyList<double> AppColdWebhookMs, double FloorServerColdWebhookMs,
    [property: JsonConverter(typeof(OneOrMany<MemoryFigures>))] IReadOnlyList<MemoryFigures> AppMemory,
    MemoryFigures FloorServerMemory, IReadOnlyList<LevelResult> Levels, int Instances = 1, MemoryFigures? RedisMemory = null,
    double? DesignFloorColdWebhookMs = null, MemoryFigures? DesignFloorMemory = null);

internal sealed record Check(string Name, bool Passed, string Detail);

internal static class Report
{
    public static void Print(LoadResult result, IReadOnlyList<Check> checks, IReadOnlyList<Check> goals)
    {
        var levels = result.Levels;
        Console.WriteLine();
        Console.WriteLine($"Load: {result.Calls} dial-ins per server at each concurrency ({string.Join(", ", result.Concurrency)}), in {result.Blocks} alternating blocks, " +
                          $"faults {(result.Faults ? "on for the app (10% refused, 10% delayed)" : "off")}, " +
                          $"{(result.Instances == 1 ? "the app in one instance" : $"the app in {result.Instances} instances on one Redis, its webhooks spread over them")}; " +
                          $"{result.Machine}; load average {F(result.LoadAverage[0])} at the start, {F(result.LoadAverage[1])} at the end");
        Console.WriteLine();
        Console.WriteLine($"| Measure | {string.Join(" | ", levels.Select(level => $"C={level.Concurrency}"))} |");
        Console.WriteLine($"|---|{string.Concat(levels.Select(_ => "---|"))}");
        Row("App: phones joined", level => $"{level.App.Joined} of {level.App.Dialed} ({F(level.App.CallsPerSecond ?? 0)} calls/s)");
        Row("App: initiate webhook answered in (ms, timed by the emulator)", level => level.App.InitiateWebhookMs.ToString());
        var design = levels.All(level => level.DesignFloor is not null);
        if (design)
        {
            Row("Design floor (MVC, RestSharp, Polly; nothing else): initiate webhook answered in (ms)", level => level.DesignFloor!.InitiateWebhookMs.ToString());
        }
        Row("Floor server: initiate webhook answered in (ms)", level => level.FloorServer.InitiateWebhookMs.ToString());
        Row("Direct API floor: createParticipant + addParticipantToSession (ms)", level => level.DirectFloorMs.ToString());
        Row("**App ÷ floor server**", level => level.AppToFloorServer.ToString());
        if (design)
        {
            Row("**App ÷ design floor** (the app's own work)", level => level.AppToDesignFloor!.ToString());
            Row("**Design floor ÷ floor server** (the given design's cost)", level => level.DesignFloorToFloorServer!.ToString());
        }
        Row("App ÷ direct API floor", level => level.AppToDirectFloor.ToString());
        Row("Floor server ÷ direct API floor", level => level.FloorServerToDirectFloor.ToString());
        if (levels.All(level => level.Cpu is not null))
        {
            var designCpu = levels.All(level => level.Cpu!.DesignFloorMs is not null);
            Row($"CPU per dial-in, app / {(designCpu ? "design floor / " : "")}floor server (ms, user + system)",
                level => $"{F(level.Cpu!.AppMs)} / {(designCpu ? $"{F(level.Cpu.DesignFloorMs!.Value)} / " : "")}{F(level.Cpu.FloorServerMs)}");
            Row("**App ÷ floor server, CPU per dial-in** (load average at the level's end)", level => $"{F(level.Cpu!.AppToFloorServer)}× ({F(level.Cpu.LoadAverage)})");
            if (designCpu)
            {
                Row("App ÷ design floor · design floor ÷ floor server, CPU per dial-in",
                    level => $"{F(level.Cpu!.AppToDesignFloor!.Value)}× · {F(level.Cpu.DesignFloorToFloorServer!.Value)}×");
            }
        }
        if (result.Instances > 1)
        {
            Row("App's webhooks over its instances", level => $"{level.Spread}");
        }
        Row("App's WebRTC API requests", level => level.Api.ToString());
        Row("Round trips per participant (retries apart)", level => F(level.RoundTripsPerParticipant));
        Row("Requests refused or failed, then retried", level => F(level.Api.Failed));
        Row("Sessions holding the app's phones / phones in them", level => $"{level.Sessions} / {level.PhoneParticipantsInSession}");
        Row("App's webhooks answered 5xx", level => F(level.Webhooks5xx));
        Row("App's phone participants left after hang-up", level => F(level.PhoneParticipantsAfterHangUp));
        Row($"App resident memory with the phones in / after hang-up (MiB{(result.Instances > 1 ? ", per instance" : "")})",
            level => string.Join(" · ", level.AppMemoryWithPhonesInMiB.Zip(level.AppMemoryAfterHangUpMiB, (phonesIn, after) => $"{F(phonesIn)} / {F(after)}")));
        Console.WriteLine();
        var apps = Enumerable.Range(0, result.Instances).ToList();
        // The design floor's column only where the run has its figures (result files from before it have none).
        var designMemory = result.DesignFloorMemory;
        string Design(Func<MemoryFigures, double> figure) => designMemory is null ? "" : $" {F(figure(designMemory))} |";
        Console.WriteLine($"| Start and memory | {string.Join(" | ", apps.Select(i => result.Instances == 1 ? "App" : $"App instance {i + 1}"))} |{(designMemory is null ? "" : " Design floor |")} Floor server |");
        Console.WriteLine($"|---|{string.Concat(apps.Select(_ => "---|"))}{(designMemory is null ? "" : "---|")}---|");
        Console.WriteLine($"| First webhook after start, cold (ms; {Program.IdleBeforeFirstWebhook.TotalSeconds:0} s after the server listened) | " +
                          $"{string.Join(" | ", result.AppColdWebhookMs.Select(F))} |{(designMemory is null ? "" : $" {F(result.DesignFloorColdWebhookMs ?? double.NaN)} |")} {F(result.FloorServerColdWebhookMs)} |");
        Console.WriteLine($"| Resident memory idle, before the first webhook (MiB) | {string.Join(" | ", result.AppMemory.Select(m => F(m.IdleMiB)))} |{Design(m => m.IdleMiB)} {F(result.FloorServerMemory.IdleMiB)} |");
        Console.WriteLine($"| Resident memory at peak (MiB, VmHWM) | {string.Join(" | ", result.AppMemory.Select(m => F(m.PeakMiB)))} |{Design(m => m.PeakMiB)} {F(result.FloorServerMemory.PeakMiB)} |");
        Console.WriteLine($"| Resident memory at the end, everyone hung up (MiB) | {string.Join(" | ", result.AppMemory.Select(m => F(m.EndMiB)))} |{Design(m => m.EndMiB)} {F(result.FloorServerMemory.EndMiB)} |");
        if (result.RedisMemory is { } redis)
        {
            Console.WriteLine($"Redis (the instances' shared store): resident memory idle {F(redis.IdleMiB)} MiB, at peak {F(redis.PeakMiB)} MiB, at the end {F(redis.EndMiB)} MiB.");
        }
        Console.WriteLine();
        Console.WriteLine("Checks (any FAIL makes the exit code 1):");
        foreach (var check in checks)
        {
            Console.WriteLine($"{(check.Passed ? "PASS" : "FAIL")}  {check.Name}: {check.Detail}");
        }
        Console.WriteLine();
        Console.WriteLine(result.Faults
            ? "Goals of issue 16: judged on runs without --faults."
            : "Goals of issue 16 (printed only, never in the exit code):");
        foreach (var goal in goals)
        {
            Console.WriteLine($"{(goal.Passed ? "PASS" : "FAIL")}  {goal.Name}: {goal.Detail}");
        }
        if (!result.Faults && levels.All(level => level.DesignFloorToFloorServer is not null))
        {
            // Not a goal of its own: what the goal above can reach without leaving the given design.
            var beyond = levels.Where(level => !level.DesignFloorToFloorServer!.Within(Goals.FloorServerFactor)).Select(level => $"C={level.Concurrency}").ToList();
            Console.WriteLine($"Given design alone (design floor ÷ floor server): {string.Join(" · ", levels.Select(level => $"C={level.Concurrency} {level.DesignFloorToFloorServer}"))}; " +
                              (beyond.Count == 0
                                  ? $"within {F(Goals.FloorServerFactor)}× at every C, so the rest of the gap is the app's own work (app ÷ design floor)."
                                  : $"beyond {F(Goals.FloorServerFactor)}× at {string.Join(", ", beyond)} in these figures: where quiet runs agree, the goal above cannot be met there within the given design."));
        }
        foreach (var lost in levels.SelectMany(level => level.Lost))
        {
            Console.WriteLine(lost);
        }

        void Row(string measure, Func<LevelResult, string> value) =>
            Console.WriteLine($"| {measure} | {string.Join(" | ", levels.Select(value))} |");
    }

    public static string F(double value) => value.ToString(CultureInfo.InvariantCulture);
}

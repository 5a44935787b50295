using System.Text.Json;

namespace LoadTest;

/// <summary>
/// <c>bench/run.sh --median FILE...</c>: the table of several runs' JSON results, each cell the median of that cell over
/// the runs (the way bench/README.md reports figures), with how many runs passed every check.
/// </summary>
internal static class Medians
{
    // The result files hold {"result": ..., "checks": ..., "goals": ...}.
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true };

    private sealed record Run(LoadResult Result, List<Check> Checks);

    public static int Print(IReadOnlyList<string> files)
    {
        var runs = files.Select(file => JsonSerializer.Deserialize<Run>(File.ReadAllText(file), Json)!).ToList();
        var shapes = runs.Select(run => $"{run.Result.Calls} {string.Join(",", run.Result.Concurrency)} {run.Result.Blocks} {run.Result.Faults} {run.Result.Instances}").Distinct().ToList();
        if (runs.Count == 0 || shapes.Count > 1)
        {
            Console.Error.WriteLine("Give one or more result files of runs with the same --calls, --concurrency, --blocks, --faults and --instances.");
            return 2;
        }
        var first = runs[0].Result;
        double M(Func<LoadResult, double> value) => Median(runs.Select(run => value(run.Result)));
        int N(Func<LoadResult, int> value) => (int)Math.Round(M(result => value(result)));
        Stats S(Func<LoadResult, Stats> stats) => new(M(r => stats(r).P50), M(r => stats(r).P95), M(r => stats(r).P99), M(r => stats(r).Max));
        Ratio R(Func<LoadResult, Ratio> ratio) => new(M(r => ratio(r).P50), M(r => ratio(r).P99));
        ServerRun Server(Func<LoadResult, ServerRun> server) => new(N(r => server(r).Dialed), N(r => server(r).Joined),
            server(first).CallsPerSecond is null ? null : M(r => server(r).CallsPerSecond ?? double.NaN), S(r => server(r).InitiateWebhookMs));
        MemoryFigures Memory(Func<LoadResult, MemoryFigures> memory) =>
            new(M(r => memory(r).IdleMiB), M(r => memory(r).PeakMiB), M(r => memory(r).EndMiB));
        // Per instance: the median of instance 1's figure over the runs, then of instance 2's, ...
        List<T> PerInstance<T>(Func<int, T> median) => [.. Enumerable.Range(0, first.Instances).Select(median)];

        var levels = first.Levels.Select((_, i) =>
        {
            LevelResult L(LoadResult result) => result.Levels[i];
            // The design floor's figures where every run has them (runs from before it have none).
            var design = runs.All(run => L(run.Result).DesignFloor is not null);
            return new LevelResult(
                L(first).Concurrency, Server(r => L(r).App), Server(r => L(r).FloorServer), S(r => L(r).DirectFloorMs),
                R(r => L(r).AppToFloorServer), R(r => L(r).AppToDirectFloor), R(r => L(r).FloorServerToDirectFloor),
                new ApiRequests(N(r => L(r).Api.CreateParticipant), N(r => L(r).Api.AddParticipantToSession), N(r => L(r).Api.CreateSession),
                    N(r => L(r).Api.Other), N(r => L(r).Api.Failed)),
                M(r => L(r).RoundTripsPerParticipant), N(r => L(r).Sessions), N(r => L(r).PhoneParticipantsInSession), N(r => L(r).Webhooks5xx),
                N(r => L(r).PhoneParticipantsAfterHangUp), PerInstance(k => M(r => L(r).AppMemoryWithPhonesInMiB[k])),
                PerInstance(k => M(r => L(r).AppMemoryAfterHangUpMiB[k])), runs.All(run => L(run.Result).FloorServerAnswersAppBxml), [],
                first.Instances == 1 ? null : new Spread(PerInstance(k => N(r => L(r).Spread!.InitiatesPerInstance[k])), N(r => L(r).Spread!.CallsAcrossInstances),
                    M(r => L(r).Spread!.RedisCommandsPerDialIn)),
                runs.All(run => L(run.Result).Cpu is not null)
                    ? new CpuPerDialIn(M(r => L(r).Cpu!.AppMs), M(r => L(r).Cpu!.FloorServerMs), M(r => L(r).Cpu!.LoadAverage),
                        design && runs.All(run => L(run.Result).Cpu!.DesignFloorMs is not null) ? M(r => L(r).Cpu!.DesignFloorMs!.Value) : null)
                    : null,
                design ? Server(r => L(r).DesignFloor!) : null,
                design ? R(r => L(r).AppToDesignFloor!) : null,
                design ? R(r => L(r).DesignFloorToFloorServer!) : null,
                runs.All(run => L(run.Result).DesignFloorAnswersAppBxml));
        }).ToList();
        var median = first with
        {
            LoadAverage = [M(r => r.LoadAverage[0]), M(r => r.LoadAverage[1])],
            AppColdWebhookMs = PerInstance(k => M(r => r.AppColdWebhookMs[k])),
            FloorServerColdWebhookMs = M(r => r.FloorServerColdWebhookMs),
            AppMemory = PerInstance(k => Memory(r => r.AppMemory[k])),
            FloorServerMemory = Memory(r => r.FloorServerMemory),
            RedisMemory = first.RedisMemory is null ? null : Memory(r => r.RedisMemory!),
            DesignFloorColdWebhookMs = runs.All(run => run.Result.DesignFloorColdWebhookMs is not null) ? M(r => r.DesignFloorColdWebhookMs!.Value) : null,
            DesignFloorMemory = runs.All(run => run.Result.DesignFloorMemory is not null) ? Memory(r => r.DesignFloorMemory!) : null,
            Levels = levels,
        };
        Console.WriteLine($"Medians of {runs.Count} runs ({string.Join(", ", runs.Select(run => run.Result.Date.ToString("yyyy-MM-dd HH:mm")))}); " +
                          $"{runs.Count(run => run.Checks.All(check => check.Passed))} of them passed every check. " +
                          $"First webhook after start, app: {string.Join(", ", runs.Select(run => string.Join(" · ", run.Result.AppColdWebhookMs.Select(Report.F))))} ms.");
        Report.Print(median, Goals.Checks(median), Goals.Of(median));
        return 0;
    }

    private static double Median(IEnumerable<double> values)
    {
        var sorted = values.Order().ToArray();
        var middle = sorted.Length / 2;
        return Math.Round(sorted.Length % 2 == 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2, 2);
    }
}

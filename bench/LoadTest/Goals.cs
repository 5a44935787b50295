using System.Globalization;

namespace LoadTest;

/// <summary>
/// What a run is judged by. Checks are correctness (of the app, and of the comparison itself) and set the exit code;
/// goals are issue 16's speed and memory targets, printed PASS or FAIL but never failing a run, since figures depend on
/// the machine.
/// </summary>
internal static class Goals
{
    public const double FloorServerFactor = 1.3;
    public const double ColdWebhookFactor = 2;
    public const double IdleMemoryMiB = 80;
    public const double MemoryAfterDialInsMiB = 120;

    public static List<Check> Checks(LoadResult result)
    {
        var levels = result.Levels;
        string PerLevel(Func<LevelResult, string> detail) => string.Join(" · ", levels.Select(level => $"C={level.Concurrency} {detail(level)}"));
        return
        [
            new("every phone joined (0 calls lost)", levels.All(level => level.App.Joined == level.App.Dialed),
                PerLevel(level => $"{level.App.Joined}/{level.App.Dialed}")),
            new("N phone participants in exactly one session", levels.All(level => level.Sessions == 1 && level.PhoneParticipantsInSession == result.Calls),
                PerLevel(level => $"{level.PhoneParticipantsInSession} in {level.Sessions}")),
            new("2 WebRTC API round trips per participant (retries apart)", levels.All(level => level.RoundTripsPerParticipant == 2),
                PerLevel(level => F(level.RoundTripsPerParticipant))),
            new("0 webhooks answered 5xx", levels.All(level => level.Webhooks5xx == 0), PerLevel(level => F(level.Webhooks5xx))),
            new("0 phone participants after hang-up", levels.All(level => level.PhoneParticipantsAfterHangUp == 0),
                PerLevel(level => F(level.PhoneParticipantsAfterHangUp))),
            new("the floor server joined every phone, answering the app's BXML (uui apart)",
                levels.All(level => level.FloorServer.Joined == level.FloorServer.Dialed && level.FloorServerAnswersAppBxml),
                PerLevel(level => $"{level.FloorServer.Joined}/{level.FloorServer.Dialed}{(level.FloorServerAnswersAppBxml ? "" : ", other BXML")}")),
            // Result files from before the design floor have none of its calls.
            .. levels.Any(level => level.DesignFloor is null) ? Array.Empty<Check>() :
            [
                new("the design floor joined every phone, answering the app's BXML (uui apart)",
                    levels.All(level => level.DesignFloor!.Joined == level.DesignFloor.Dialed && level.DesignFloorAnswersAppBxml),
                    PerLevel(level => $"{level.DesignFloor!.Joined}/{level.DesignFloor.Dialed}{(level.DesignFloorAnswersAppBxml ? "" : ", other BXML")}")),
            ],
            .. result.Instances == 1 ? Array.Empty<Check>() :
            [
                // Without it a broken router would pass every other check on one instance's work alone.
                new($"the webhooks spread over the {result.Instances} instances (each answered dial-ins; every call's webhooks on more than one)",
                    levels.All(level => level.Spread is { } spread && spread.InitiatesPerInstance.All(initiates => initiates > 0) &&
                                        spread.CallsAcrossInstances == level.App.Dialed),
                    PerLevel(level => $"{level.Spread}")),
            ],
        ];
    }

    public static List<Check> Of(LoadResult result)
    {
        if (result.Faults)
        {
            return []; // the faults' retries are the point of such a run, and no target speaks of them
        }
        var goals = result.Levels.Select(level => new Check(
                $"app within {F(FloorServerFactor)}× of the floor server at C={level.Concurrency}", level.AppToFloorServer.Within(FloorServerFactor),
                level.AppToFloorServer.ToString()))
            .ToList();
        // The steady state the first caller is held to: the run's busiest level (bench/run.sh's default load, C=50).
        // Several instances: each has its own first webhook and its own memory, and each is held to the goal.
        var busiest = result.Levels.MaxBy(level => level.Concurrency)!;
        var steadyP99 = busiest.App.InitiateWebhookMs.P99;
        goals.Add(new($"first webhook after start within {F(ColdWebhookFactor)}× of the steady-state p99",
            result.AppColdWebhookMs.All(cold => cold <= ColdWebhookFactor * steadyP99),
            $"{string.Join(" · ", result.AppColdWebhookMs.Select(F))} ms against p99 {F(steadyP99)} ms at C={busiest.Concurrency} " +
            $"({string.Join(" · ", result.AppColdWebhookMs.Select(cold => F(Math.Round(cold / steadyP99, 1)) + "×"))})"));
        goals.Add(new($"resident memory idle ≤ {F(IdleMemoryMiB)} MiB", result.AppMemory.All(memory => memory.IdleMiB <= IdleMemoryMiB),
            $"{string.Join(" · ", result.AppMemory.Select(memory => F(memory.IdleMiB)))} MiB"));
        var first = result.Levels[0];
        goals.Add(new($"resident memory ≤ {F(MemoryAfterDialInsMiB)} MiB after {result.Calls} dial-ins", first.AppMemoryWithPhonesInMiB.All(memory => memory <= MemoryAfterDialInsMiB),
            $"{string.Join(" · ", first.AppMemoryWithPhonesInMiB.Select(F))} MiB with the first level's {result.Calls} phones in the call (C={first.Concurrency}, " +
            $"{2 * result.WarmUpCalls + result.Calls} dial-ins since start with the warm-ups); {string.Join(" · ", first.AppMemoryAfterHangUpMiB.Select(F))} MiB once they hung up"));
        return goals;
    }

    private static string F(double value) => value.ToString(CultureInfo.InvariantCulture);
}

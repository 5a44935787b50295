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
        var busiest = result.Levels.MaxBy(level => level.Concurrency)!;
        var steadyP99 = busiest.App.InitiateWebhookMs.P99;
        goals.Add(new($"first webhook after start within {F(ColdWebhookFactor)}× of the steady-state p99",
            result.AppColdWebhookMs <= ColdWebhookFactor * steadyP99,
            $"{F(result.AppColdWebhookMs)} ms against p99 {F(steadyP99)} ms at C={busiest.Concurrency} ({F(Math.Round(result.AppColdWebhookMs / steadyP99, 1))}×)"));
        goals.Add(new($"resident memory idle ≤ {F(IdleMemoryMiB)} MiB", result.AppMemory.IdleMiB <= IdleMemoryMiB, $"{F(result.AppMemory.IdleMiB)} MiB"));
        var first = result.Levels[0];
        goals.Add(new($"resident memory ≤ {F(MemoryAfterDialInsMiB)} MiB after {result.Calls} dial-ins", first.AppMemoryWithPhonesInMiB <= MemoryAfterDialInsMiB,
            $"{F(first.AppMemoryWithPhonesInMiB)} MiB with the first level's {result.Calls} phones in the call (C={first.Concurrency}, " +
            $"{2 * result.WarmUpCalls + result.Calls} dial-ins since start with the warm-ups); {F(first.AppMemoryAfterHangUpMiB)} MiB once they hung up"));
        return goals;
    }

    private static string F(double value) => value.ToString(CultureInfo.InvariantCulture);
}

using HelloWorld.Emulator;

namespace LoadTest;

/// <summary>
/// The bench lifts Bandwidth's per-session limit to measure 200 phones: a real account holds 20 participants in a session
/// (the emulator's <c>Emulator:Limits</c>, the app's <c>Participants:MaxPerSession</c>), and the load test keeps N phones
/// of each server in its session at once. Every other ceiling that could refuse a dial-in under load is lifted with it,
/// so what is measured is the work of answering one, never a refusal.
/// </summary>
internal static class LiftedLimits
{
    /// <summary>Far above what any run holds at once (N phones of each server, warm-ups and direct floors).</summary>
    public const int Ceiling = 100_000;

    /// <summary>The emulator's limits: participants a session, createCall's rate and the calls in progress.</summary>
    public static EmulatorLimits Emulator => new()
    {
        ParticipantsPerSession = Ceiling,
        CallsPerSecond = Ceiling,
        ActiveCalls = Ceiling,
    };

    /// <summary>
    /// The app's ceilings as environment variables. Only the session's capacity and the active calls bound a dial-in; the
    /// per-client share and the placed-call rates bound the page, <c>/connectionInfo</c> and the CALL button, which the
    /// load test does not use, and are lifted too so that a load test that one day does measures the work, not a refusal.
    /// </summary>
    public static IEnumerable<KeyValuePair<string, string>> AppEnvironment() =>
    [
        new("Participants__MaxPerSession", $"{Ceiling}"),
        new("Participants__MaxPerClient", $"{Ceiling}"),
        new("PhoneCalls__MaxActiveCalls", $"{Ceiling}"),
        new("PhoneCalls__MaxCallsPerMinute", $"{Ceiling}"),
        new("PhoneCalls__MaxCallsPerClientPerMinute", $"{Ceiling}"),
    ];
}

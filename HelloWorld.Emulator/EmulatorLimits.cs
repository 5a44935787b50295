namespace HelloWorld.Emulator;

/// <summary>
/// Bandwidth's documented limits, which the emulator keeps so an app meets them here first (<c>Emulator:Limits</c>).
/// Raise them for load tests that go beyond one real account; each source is cited where it is enforced and in
/// CONTROL-API.md.
/// </summary>
public sealed class EmulatorLimits
{
    public const int DefaultParticipantsPerSession = 20;

    /// <summary>
    /// Participants in one session. WebRTC overview, Sessions, Limitations: "There is a limit of 20 participants in a
    /// session. This includes all participants, whether they are Audio-only, Audio &amp; Video, or dialed-in participants."
    /// </summary>
    public int ParticipantsPerSession { get; set; } = DefaultParticipantsPerSession;

    /// <summary>Characters in a participant's or a session's tag. WebRTC overview: "A Participant tag is limited to 50 characters" (and a Session tag).</summary>
    public int TagLength { get; set; } = 50;

    /// <summary>createCall requests per second for the account. Voice rate limits: "a default rate limit of 5 calls per second (CPS)".</summary>
    public int CallsPerSecond { get; set; } = 5;

    /// <summary>Calls in progress on the account before createCall is refused. Voice rate limits: "... and 100 active sessions".</summary>
    public int ActiveCalls { get; set; } = 100;
}

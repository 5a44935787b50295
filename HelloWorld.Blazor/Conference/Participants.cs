using HelloWorld.Blazor.Security;

namespace HelloWorld.Blazor.Conference;

/// <summary>Who a participant stands for; it decides the participant's Bandwidth tag.</summary>
public enum ParticipantKind
{
    Browser,
    Phone,
}

/// <summary>A participant this app created and added to the session. <see cref="Token"/> is a secret: never log it.</summary>
public sealed record JoinedParticipant(string Id, string Token, ParticipantKind Kind, string SessionId);

/// <summary>What the app knows of a participant it created (no token).</summary>
public sealed record ParticipantInfo(string Id, ParticipantKind Kind, DateTimeOffset JoinedAt);

/// <summary>
/// Creates the app's participants and removes them again: the seed's <c>createParticipant</c> + <c>addParticipantToSession</c>.
/// </summary>
public interface IParticipantService
{
    /// <summary>
    /// Creates an AUDIO-only, device API V3 participant tagged for <paramref name="kind"/> and adds it to the app's session,
    /// subscribed to the whole session. Steady state: two Bandwidth round trips. Counts against
    /// <see cref="ParticipantOptions.MaxPerSession"/> only (phones); throws <see cref="ParticipantRefusedException"/>,
    /// before anything is created, when the session is full.
    /// </summary>
    Task<JoinedParticipant> JoinAsync(ParticipantKind kind, CancellationToken cancellationToken = default);

    /// <summary>
    /// As <see cref="JoinAsync(ParticipantKind, CancellationToken)"/>, for <paramref name="client"/> (a tab's
    /// <see cref="TabIdentity.Client"/>, a <c>/connectionInfo</c> caller): also counts against
    /// <see cref="ParticipantOptions.MaxPerClient"/>.
    /// </summary>
    Task<JoinedParticipant> JoinAsync(ParticipantKind kind, ClientAddress client, CancellationToken cancellationToken = default);

    /// <summary>Deletes the participant from Bandwidth. A participant Bandwidth no longer knows counts as deleted.</summary>
    Task LeaveAsync(string participantId, CancellationToken cancellationToken = default);

    /// <summary>The participant, if this process created it and has not deleted it.</summary>
    ParticipantInfo? Find(string participantId);

    /// <summary>Every participant this process created and has not deleted yet.</summary>
    IReadOnlyCollection<ParticipantInfo> Active { get; }

    /// <summary>
    /// <c>true</c> from the participant's creation until its deletion fails: someone (a tab, a call, a lease) holds it, or
    /// its deletion is under way. <c>false</c> for a participant nobody holds any more (its deletion failed, the sweep
    /// retries it) and for one this process did not create.
    /// </summary>
    bool IsHeld(string participantId);
}

/// <summary>The seed's <c>getSessionId</c>: the one <c>hello-world</c> session every participant joins.</summary>
public interface ISessionTracker
{
    /// <summary>The cached session id; the first caller creates the session, concurrent first callers share that one creation.</summary>
    ValueTask<string> GetSessionIdAsync(CancellationToken cancellationToken = default);

    /// <summary>
    /// Called when Bandwidth says <paramref name="staleSessionId"/> is gone: creates a new session once, however many callers report
    /// the same stale id, and returns it.
    /// </summary>
    ValueTask<string> ReplaceSessionAsync(string staleSessionId, CancellationToken cancellationToken = default);

    /// <summary>The id of the session this process created, if it has one (for the shutdown sweep, which deletes it).</summary>
    string? CurrentSessionId { get; }

    /// <summary>Forgets the session without deleting it (after the app deleted it itself).</summary>
    void Forget(string sessionId);
}

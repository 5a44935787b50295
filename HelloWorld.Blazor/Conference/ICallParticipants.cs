namespace HelloWorld.Blazor.Conference;

/// <summary>
/// The phone participant of each call (its id and token: the answer webhook's Transfer carries the token), shared by
/// every instance that may receive the call's webhooks: <see cref="CallParticipants"/> in one process, Redis when
/// <c>ConnectionStrings:redis</c> is set. A call's participant is joined once however often its webhook comes, and taken
/// for deletion exactly once, whichever instance ends the call.
/// </summary>
public interface ICallParticipants
{
    /// <summary>
    /// A dial-in's participant: <paramref name="join"/> runs once per call id, and every other caller (a repeated webhook)
    /// gets its result. A failed join is forgotten, so a repeat tries again.
    /// </summary>
    Task<JoinedParticipant> JoinOnceAsync(string callId, Func<Task<JoinedParticipant>> join, CancellationToken cancellationToken);

    /// <summary>A placed call's participant, joined before the call existed.</summary>
    Task AddAsync(string callId, JoinedParticipant participant);

    /// <summary>The call's participant, once a join under way is done; <c>null</c> when the call has none (or it was taken).</summary>
    Task<JoinedParticipant?> FindAsync(string callId, CancellationToken cancellationToken);

    /// <summary>
    /// Takes the call's participant for deletion; only the first caller anywhere gets it. A join still under way is
    /// awaited when it runs here; when it runs on another instance, that instance deletes what it joins, as it finds the
    /// participant taken (<see cref="JoinOnceAsync"/> then throws <see cref="CallEndedWhileJoiningException"/>).
    /// <c>null</c> when there is nothing to delete here.
    /// </summary>
    Task<JoinedParticipant?> TakeAsync(string callId);

    /// <summary>
    /// Marks a createCall request under way until disposed: an answer webhook can overtake createCall's own answer, on
    /// this instance or another, and waits for such requests (<see cref="WaitForCallsBeingPlacedAsync"/>).
    /// </summary>
    Task<IAsyncDisposable> PlacingAsync();

    /// <summary>Completes once no createCall request that was under way when it was called is still running.</summary>
    Task WaitForCallsBeingPlacedAsync(CancellationToken cancellationToken);
}

/// <summary>
/// The call's participant was taken (the call ended, on another instance) while it was being joined here: whoever joined
/// <see cref="Participant"/> must delete it.
/// </summary>
public sealed class CallEndedWhileJoiningException(string callId, JoinedParticipant participant)
    : Exception($"Call {callId} ended while its participant was being joined.")
{
    public JoinedParticipant Participant { get; } = participant;
}

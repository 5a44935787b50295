using HelloWorld.Blazor.Security;

namespace HelloWorld.Blazor.Conference;

/// <summary>
/// The session's places and the participants that hold them, as every instance of the app counts them:
/// <see cref="SessionCapacity"/> in one process, Redis when <c>ConnectionStrings:redis</c> is set. A place is taken before
/// a participant is created (so a full call costs nothing), becomes the participant's once it exists, and is freed once
/// Bandwidth confirms its deletion, by whichever instance deleted it.
/// </summary>
public interface IParticipantLedger : ISessionCapacity
{
    /// <summary>Throws <see cref="ParticipantRefusedException"/> if a place for <paramref name="client"/> would be refused now; takes nothing.</summary>
    Task EnsureRoomForAsync(ClientAddress? client);

    /// <summary>
    /// Takes a place for a participant about to be created, or throws <see cref="ParticipantRefusedException"/>. The check
    /// and the taking are one step, so concurrent joins (on any instance) cannot pass the ceilings together.
    /// </summary>
    Task<ParticipantPlace> ReserveAsync(ClientAddress? client);

    /// <summary>The place's participant exists: the place is its own from now on, and every instance knows it.</summary>
    Task RecordAsync(ParticipantPlace place, ParticipantInfo participant);

    /// <summary>Gives the place back (its participant is gone, or was never created); only the first call counts.</summary>
    Task FreeAsync(ParticipantPlace place);

    /// <summary>Frees the place of <paramref name="participantId"/>, whichever instance took it: Bandwidth confirmed its deletion.</summary>
    Task ForgetAsync(string participantId);

    /// <summary>A participant the app created and has not deleted, on any instance; <c>null</c> for any other.</summary>
    ParticipantInfo? Find(string participantId);

    /// <summary>Every participant the app created and has not deleted, on any instance (the sweep's candidates).</summary>
    Task<IReadOnlyCollection<string>> AllAsync();

    /// <summary>
    /// Whether another, live instance (its tab or call), a <c>/connectionInfo</c> lease, or an active call holds the
    /// participant. Always <c>false</c> in one process: what it does not hold itself, nobody holds.
    /// </summary>
    Task<bool> IsHeldElsewhereAsync(string participantId);

    /// <summary>
    /// Whether the participant must outlive this instance's shutdown: another instance keeps serving the conference and
    /// a call or a lease (which any instance serves) holds it. <c>false</c> in one process, and for the last instance out.
    /// </summary>
    Task<bool> OutlivesThisInstanceAsync(string participantId);

    /// <summary>Until when a <c>/connectionInfo</c> lease holds the participant, for every instance; <c>null</c> ends the lease.</summary>
    Task SetLeaseAsync(string participantId, DateTimeOffset? until);

    /// <summary>
    /// Frees the places taken by instances that died before their participant existed (the sweep's step), and returns how
    /// many. Nothing else would: no participant names them. Always 0 in one process, whose places die with it.
    /// </summary>
    Task<int> ReclaimAbandonedPlacesAsync();
}

/// <summary>
/// One place in the session (<see cref="IParticipantLedger.ReserveAsync"/>), held for one participant until the ledger
/// frees it (<see cref="IParticipantLedger.FreeAsync"/>).
/// </summary>
public sealed class ParticipantPlace
{
    private readonly Action<ParticipantPlace>? _free;
    private int _freed;

    internal ParticipantPlace(string id, ClientAddress? client, Action<ParticipantPlace>? free = null)
    {
        Id = id;
        Client = client;
        _free = free;
    }

    /// <summary>Names the place where it is kept, unique per place.</summary>
    public string Id { get; }

    /// <summary>The client the place counts against, if any (phones count against the session only).</summary>
    public ClientAddress? Client { get; }

    /// <summary>Gives the place back through the ledger that made it; only the first call counts.</summary>
    public void Free()
    {
        if (TryFree())
        {
            _free?.Invoke(this);
        }
    }

    /// <summary><c>true</c> the first time only: the one caller that accounts for the place's return.</summary>
    internal bool TryFree() => Interlocked.Exchange(ref _freed, 1) == 0;
}

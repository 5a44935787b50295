using HelloWorld.Blazor.Observability;
using HelloWorld.Blazor.Security;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Conference;

/// <summary>How full the session is: the places in use and the most it holds (<see cref="ParticipantOptions.MaxPerSession"/>).</summary>
public sealed record CapacitySnapshot(int InUse, int Max)
{
    public bool IsFull => InUse >= Max;
}

/// <summary>
/// The places of the session, in this process: every participant the app creates holds one from before it is created
/// until Bandwidth confirms its deletion, so a full call costs nothing (the refusal comes before createParticipant) and a
/// participant whose deletion failed still counts. Places taken for a client (a tab, a <c>/connectionInfo</c> caller)
/// also count against <see cref="ParticipantOptions.MaxPerClient"/>. Changes are pushed to subscribers: a page waiting
/// for a place hears when one frees up. The ledger of one instance; <c>ConnectionStrings:redis</c> shares it instead.
/// </summary>
public sealed partial class SessionCapacity(IOptions<ParticipantOptions> options, ILogger<SessionCapacity> logger) : IParticipantLedger
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ClientAddress, int> _byClient = [];
    private readonly Dictionary<string, (ParticipantPlace Place, ParticipantInfo Participant)> _recorded = new(StringComparer.Ordinal);
    private readonly Subscribers _subscribers = new(logger, "session capacity");
    private int _inUse;

    public CapacitySnapshot Current
    {
        get
        {
            lock (_gate)
            {
                return new CapacitySnapshot(_inUse, options.Value.MaxPerSession);
            }
        }
    }

    public int HeldBy(ClientAddress client)
    {
        lock (_gate)
        {
            return _byClient.GetValueOrDefault(client);
        }
    }

    public IDisposable Subscribe(Func<Task> onChanged) => _subscribers.Subscribe(onChanged);

    /// <summary>Throws <see cref="ParticipantRefusedException"/> if a place for <paramref name="client"/> would be refused now; takes nothing.</summary>
    public void EnsureRoomFor(ClientAddress? client)
    {
        lock (_gate)
        {
            if (Refusal(client) is { } refusal)
            {
                AppTelemetry.ParticipantRefused(refusal.Reason);
                throw refusal;
            }
        }
    }

    /// <summary>
    /// Takes a place for a participant about to be created, or throws <see cref="ParticipantRefusedException"/>. The check
    /// and the taking are one step, so concurrent joins cannot pass the ceiling together.
    /// </summary>
    public ParticipantPlace Reserve(ClientAddress? client)
    {
        lock (_gate)
        {
            if (Refusal(client) is { } refusal)
            {
                Log.Refused(logger, refusal.Reason, client?.Key ?? "none", _inUse, options.Value.MaxPerSession);
                AppTelemetry.ParticipantRefused(refusal.Reason);
                throw refusal;
            }
            _inUse++;
            if (client is { } holder)
            {
                _byClient[holder] = _byClient.GetValueOrDefault(holder) + 1;
            }
        }
        _subscribers.Notify();
        return new ParticipantPlace(Guid.NewGuid().ToString("N"), client, Free);
    }

    public Task EnsureRoomForAsync(ClientAddress? client)
    {
        EnsureRoomFor(client);
        return Task.CompletedTask;
    }

    public Task<ParticipantPlace> ReserveAsync(ClientAddress? client) => Task.FromResult(Reserve(client));

    public Task RecordAsync(ParticipantPlace place, ParticipantInfo participant)
    {
        lock (_gate)
        {
            _recorded[participant.Id] = (place, participant);
        }
        return Task.CompletedTask;
    }

    public Task FreeAsync(ParticipantPlace place)
    {
        place.Free();
        return Task.CompletedTask;
    }

    public Task ForgetAsync(string participantId)
    {
        ParticipantPlace? place;
        lock (_gate)
        {
            place = _recorded.Remove(participantId, out var recorded) ? recorded.Place : null;
        }
        place?.Free();
        return Task.CompletedTask;
    }

    public ParticipantInfo? Find(string participantId)
    {
        lock (_gate)
        {
            return _recorded.TryGetValue(participantId, out var recorded) ? recorded.Participant : null;
        }
    }

    public Task<IReadOnlyCollection<string>> AllAsync()
    {
        lock (_gate)
        {
            return Task.FromResult<IReadOnlyCollection<string>>([.. _recorded.Keys]);
        }
    }

    public Task<bool> IsHeldElsewhereAsync(string participantId) => Task.FromResult(false);

    public Task<bool> OutlivesThisInstanceAsync(string participantId) => Task.FromResult(false);

    /// <summary>In one process the lease lives where it was handed out (<c>ConnectionInfoParticipants</c>): nothing to share.</summary>
    public Task SetLeaseAsync(string participantId, DateTimeOffset? until) => Task.CompletedTask;

    public Task<int> ReclaimAbandonedPlacesAsync() => Task.FromResult(0);

    /// <summary>Called once per place (see <see cref="ParticipantPlace.Free"/>).</summary>
    private void Free(ParticipantPlace place)
    {
        lock (_gate)
        {
            _inUse--;
            if (place.Client is { } holder && _byClient.TryGetValue(holder, out var held))
            {
                if (held <= 1)
                {
                    _byClient.Remove(holder);
                }
                else
                {
                    _byClient[holder] = held - 1;
                }
            }
            foreach (var (id, recorded) in _recorded.Where(entry => entry.Value.Place == place).ToList())
            {
                _recorded.Remove(id);
            }
        }
        _subscribers.Notify();
    }

    private ParticipantRefusedException? Refusal(ClientAddress? client)
    {
        var settings = options.Value;
        if (_inUse >= settings.MaxPerSession)
        {
            return ParticipantRefusedException.SessionFull(_inUse, settings.MaxPerSession);
        }
        if (client is { } holder && _byClient.GetValueOrDefault(holder) >= settings.MaxPerClient)
        {
            return ParticipantRefusedException.ClientLimit(settings.MaxPerClient);
        }
        return null;
    }

    private static partial class Log
    {
        // Debug: a refusal costs nothing, and whoever asked logs it in its own terms; a flood of them must not flood the log.
        [LoggerMessage(EventId = 2501, Level = LogLevel.Debug,
            Message = "Refused a participant ({Reason}) for client {Client}: {InUse} of {Max} places in use")]
        public static partial void Refused(ILogger logger, ParticipantRefusal reason, string client, int inUse, int max);
    }
}

using System.Collections.Immutable;
using HelloWorld.Blazor.Security;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Conference;

/// <summary>How full the session is: the places in use and the most it holds (<see cref="ParticipantOptions.MaxPerSession"/>).</summary>
public sealed record CapacitySnapshot(int InUse, int Max)
{
    public bool IsFull => InUse >= Max;
}

/// <summary>
/// The places of the session: every participant the app creates holds one from before it is created until Bandwidth
/// confirms its deletion, so a full call costs nothing (the refusal comes before createParticipant) and a participant
/// whose deletion failed still counts. Places taken for a client (a tab, a <c>/connectionInfo</c> caller) also count
/// against <see cref="ParticipantOptions.MaxPerClient"/>. Changes are pushed to subscribers: a page waiting for a place
/// hears when one frees up.
/// </summary>
public sealed partial class SessionCapacity(IOptions<ParticipantOptions> options, ILogger<SessionCapacity> logger) : ISessionCapacity
{
    private readonly Lock _gate = new();
    private readonly Dictionary<ClientAddress, int> _byClient = [];
    private int _inUse;
    private ImmutableArray<Func<Task>> _subscribers = [];

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

    public IDisposable Subscribe(Func<Task> onChanged)
    {
        ImmutableInterlocked.Update(ref _subscribers, list => list.Add(onChanged));
        return new Subscription(() => ImmutableInterlocked.Update(ref _subscribers, list => list.Remove(onChanged)));
    }

    /// <summary>Throws <see cref="ParticipantRefusedException"/> if a place for <paramref name="client"/> would be refused now; takes nothing.</summary>
    public void EnsureRoomFor(ClientAddress? client)
    {
        lock (_gate)
        {
            if (Refusal(client) is { } refusal)
            {
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
                throw refusal;
            }
            _inUse++;
            if (client is { } holder)
            {
                _byClient[holder] = _byClient.GetValueOrDefault(holder) + 1;
            }
        }
        Notify();
        return new ParticipantPlace(this, client);
    }

    /// <summary>Called once per place (see <see cref="ParticipantPlace.Free"/>).</summary>
    internal void Free(ClientAddress? client)
    {
        lock (_gate)
        {
            _inUse--;
            if (client is { } holder && _byClient.TryGetValue(holder, out var held))
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
        }
        Notify();
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

    private void Notify()
    {
        foreach (var subscriber in _subscribers)
        {
            _ = NotifyAsync(subscriber);
        }
    }

    // Each subscriber on its own: a slow or failing page never delays a join or the other pages.
    private async Task NotifyAsync(Func<Task> subscriber)
    {
        try
        {
            await Task.Run(subscriber).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            Log.SubscriberFailed(logger, exception);
        }
    }

    private sealed class Subscription(Action unsubscribe) : IDisposable
    {
        private Action? _unsubscribe = unsubscribe;

        public void Dispose() => Interlocked.Exchange(ref _unsubscribe, null)?.Invoke();
    }

    private static partial class Log
    {
        // Debug: a refusal costs nothing, and whoever asked logs it in its own terms; a flood of them must not flood the log.
        [LoggerMessage(EventId = 2501, Level = LogLevel.Debug,
            Message = "Refused a participant ({Reason}) for client {Client}: {InUse} of {Max} places in use")]
        public static partial void Refused(ILogger logger, ParticipantRefusal reason, string client, int inUse, int max);

        [LoggerMessage(EventId = 2502, Level = LogLevel.Warning, Message = "A session capacity subscriber failed")]
        public static partial void SubscriberFailed(ILogger logger, Exception exception);
    }
}

/// <summary>
/// One place in the session (<see cref="SessionCapacity.Reserve"/>), held for one participant. The participant service
/// gives it back once Bandwidth confirms the participant is gone, or once its creation failed.
/// </summary>
public sealed class ParticipantPlace
{
    private readonly SessionCapacity _capacity;
    private int _freed;

    internal ParticipantPlace(SessionCapacity capacity, ClientAddress? client)
    {
        _capacity = capacity;
        Client = client;
    }

    /// <summary>The client the place counts against, if any (phones count against the session only).</summary>
    public ClientAddress? Client { get; }

    /// <summary>Gives the place back; only the first call counts.</summary>
    public void Free()
    {
        if (Interlocked.Exchange(ref _freed, 1) == 0)
        {
            _capacity.Free(Client);
        }
    }
}

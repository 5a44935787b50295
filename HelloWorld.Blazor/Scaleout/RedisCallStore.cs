using System.Collections.Concurrent;
using System.Text.Json;
using HelloWorld.Blazor.Conference;
using StackExchange.Redis;

namespace HelloWorld.Blazor.Scaleout;

/// <summary>
/// The calls of every instance in Redis (a hash of JSON snapshots), changed by the rules of <see cref="CallChanges"/>
/// under optimistic concurrency (a change applies only to the snapshot it was computed from), and announced on a
/// pub/sub channel: every instance keeps a copy current from it, which <see cref="Calls"/>, <see cref="Find"/> and the
/// pages read, and pushes each change to its own subscribers. Active calls and reservations share one sorted set of
/// places, so the cap on active calls holds across instances; a reservation left by a dead instance expires.
/// </summary>
public sealed partial class RedisCallStore : ICallStore, IDisposable
{
    private static readonly RedisKey CallsKey = RedisConnection.Key("calls");
    private static readonly RedisKey PlacesKey = RedisConnection.Key("calls:places");
    private static readonly RedisKey EndedKey = RedisConnection.Key("calls:ended");
    private static readonly RedisChannel Changes = RedisConnection.Channel("calls:changed");
    private static readonly TimeSpan ReservationLifetime = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan EndMarkerLifetime = TimeSpan.FromMinutes(10);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // A call's snapshot rides in its change's message up to this length (about ten times a call's); longer, the message
    // names only the id, which the other instances read.
    private const int MaxCarriedSnapshot = 16 * 1024;

    private readonly RedisConnection _redis;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<RedisCallStore> _logger;
    private readonly Subscribers _subscribers;
    private readonly ConcurrentDictionary<string, PhoneCall> _calls = new(StringComparer.Ordinal);
    private readonly string _origin = Guid.NewGuid().ToString("N");
    private readonly ChannelMessageQueue _changes;

    public RedisCallStore(RedisConnection redis, TimeProvider timeProvider, ILogger<RedisCallStore> logger)
    {
        _redis = redis;
        _timeProvider = timeProvider;
        _logger = logger;
        _subscribers = new Subscribers(logger, "call status");
        // In order, one at a time: a message carries its snapshot, and of two with equal histories the later must win.
        _changes = redis.Subscriber.Subscribe(Changes);
        _changes.OnMessage(message => OnChangedElsewhereAsync(message.Message));
        redis.Multiplexer.ConnectionRestored += OnConnectionRestored;
        Reload();
    }

    public IReadOnlyList<PhoneCall> Calls => [.. _calls.Values.OrderByDescending(call => call.StartedAt)];

    public PhoneCall? Find(string callId) => _calls.GetValueOrDefault(callId);

    public PhoneCall? FindByParticipant(string participantId) =>
        _calls.Values.Where(call => call.ParticipantId == participantId).MaxBy(call => call.StartedAt);

    public IDisposable Subscribe(Func<Task> onChanged) => _subscribers.Subscribe(onChanged);

    public async Task<PhoneCall?> GetAsync(string callId) =>
        await _redis.Database.HashGetAsync(CallsKey, callId).ConfigureAwait(false) is { HasValue: true } json ? Read(json) : null;

    public Task<PhoneCall?> TryRegisterAsync(string callId, CallDirection direction, string from, string to, string? participantId, int maxActiveCalls) =>
        RegisterAsync(callId, direction, from, to, participantId, maxActiveCalls, reservation: null);

    public async Task<PhoneCall> RegisterAsync(string callId, CallDirection direction, string from, string to, string? participantId, CallReservation reservation)
    {
        // The reservation's place becomes the call's in the same script; it is spent whatever the script finds.
        reservation.Spend();
        return (await RegisterAsync(callId, direction, from, to, participantId, int.MaxValue, reservation).ConfigureAwait(false))!;
    }

    public async Task<CallReservation?> TryReserveAsync(int maxActiveCalls)
    {
        var id = "res:" + Guid.NewGuid().ToString("N");
        var now = Now();
        var taken = (long)await _redis.Database.ScriptEvaluateAsync(RedisCallScripts.Reserve, [PlacesKey],
            [now.ToUnixTimeMilliseconds(), maxActiveCalls, (now + ReservationLifetime).ToUnixTimeMilliseconds(), id]).ConfigureAwait(false);
        return taken == 1 ? new CallReservation(id, reservation => _ = _redis.Database.SortedSetRemoveAsync(PlacesKey, reservation.Id)) : null;
    }

    public async Task<IDisposable?> TryLockNumberAsync(string number)
    {
        var key = RedisConnection.Key($"calls:dialing:{number}");
        var token = Guid.NewGuid().ToString("N");
        // Expires on its own too: an instance that dies while placing a call must not block the number for ever.
        if (!await _redis.Database.StringSetAsync(key, token, ReservationLifetime, When.NotExists).ConfigureAwait(false))
        {
            return null;
        }
        return new Subscription(() => _ = _redis.Database.ScriptEvaluateAsync(RedisCallScripts.DeleteIfEqual, [key], [token]));
    }

    public Task<PhoneCall?> AttachParticipantAsync(string callId, string participantId) => ChangeAsync(callId, call => CallChanges.WithParticipant(call, participantId));

    public Task<PhoneCall?> MarkAnsweredAsync(string callId, string? detail = null) => ChangeAsync(callId, call => CallChanges.Answered(call, Now(), detail));

    public Task<PhoneCall?> MarkJoiningAsync(string callId) => ChangeAsync(callId, call => CallChanges.Joining(call, Now()));

    public Task<PhoneCall?> MarkTransferredAsync(string callId) => ChangeAsync(callId, call => CallChanges.Transferred(call, Now()));

    public Task<PhoneCall?> MarkTransferFailedAsync(string callId, string failure) => ChangeAsync(callId, call => CallChanges.TransferFailed(call, failure, Now()));

    public async Task<PhoneCall?> MarkEndedAsync(string callId, string? cause)
    {
        var marker = JsonSerializer.Serialize(CallChanges.EndedBeforeRegistered(cause, Now()), Json);
        var registered = (long)await _redis.Database.ScriptEvaluateAsync(RedisCallScripts.EndUnknown, [CallsKey, EndMarkerKey(callId)],
            [callId, marker, (long)EndMarkerLifetime.TotalMilliseconds]).ConfigureAwait(false);
        return registered == 1 ? await ChangeAsync(callId, call => CallChanges.Ended(call, cause, Now())).ConfigureAwait(false) : null;
    }

    public void Dispose()
    {
        _redis.Multiplexer.ConnectionRestored -= OnConnectionRestored;
        _changes.Unsubscribe();
    }

    private async Task<PhoneCall?> RegisterAsync(
        string callId, CallDirection direction, string from, string to, string? participantId, int maxActiveCalls, CallReservation? reservation)
    {
        var now = Now();
        var ringing = CallChanges.Registered(callId, direction, from, to, participantId, now, endedBefore: null);
        var json = Write(ringing);
        var result = (RedisResult[])(await _redis.Database.ScriptEvaluateAsync(RedisCallScripts.Register, [CallsKey, PlacesKey, EndMarkerKey(callId)],
            [callId, json, maxActiveCalls, now.ToUnixTimeMilliseconds(), reservation?.Id ?? "", Changes.ToString(), _origin, Carried(json)]).ConfigureAwait(false))!;
        switch ((long)result[0])
        {
            case 0:
                return Read((string)result[1]!);
            case 2:
                var ended = CallChanges.Registered(callId, direction, from, to, participantId, now, JsonSerializer.Deserialize<CallEvent>((string)result[1]!, Json));
                await _redis.Database.HashSetAsync(CallsKey, callId, Write(ended), When.NotExists).ConfigureAwait(false);
                await PublishAsync(ended, [callId]).ConfigureAwait(false);
                return ended;
            case 3:
                return null;
            default:
                ApplyHere(ringing, []);
                return ringing;
        }
    }

    /// <summary>
    /// Applies <paramref name="change"/> to the stored snapshot, again if another instance changed it meanwhile. This
    /// instance's copy is the stored snapshot nearly always, so the change is one script, with no read before it.
    /// </summary>
    private async Task<PhoneCall?> ChangeAsync(string callId, Func<PhoneCall, PhoneCall?> change)
    {
        var db = _redis.Database;
        var stored = _calls.TryGetValue(callId, out var copy) ? Write(copy) : null;
        var fromCopy = stored is not null;
        while (true)
        {
            stored ??= (string?)await db.HashGetAsync(CallsKey, callId).ConfigureAwait(false);
            if (stored is null)
            {
                return null;
            }
            var before = Read(stored);
            if (change(before) is not { } changed)
            {
                if (!fromCopy)
                {
                    return null;
                }
                // The copy may lag behind: only the stored snapshot may say that nothing changes.
                (stored, fromCopy) = (null, false);
                continue;
            }
            var json = Write(changed);
            RedisValue endedAt = before.IsActive && !changed.IsActive ? changed.EndedAt!.Value.ToUnixTimeMilliseconds() : "";
            var result = (RedisResult[])(await db.ScriptEvaluateAsync(RedisCallScripts.Change, [CallsKey, PlacesKey, EndedKey],
                [callId, stored, json, endedAt, CallRegistry.EndedCallsKept, Changes.ToString(), _origin, Carried(json)]).ConfigureAwait(false))!;
            switch ((long)result[0])
            {
                case 0:
                    return null;
                case 1:
                    (stored, fromCopy) = ((string)result[1]!, false);
                    break;
                default:
                    ApplyHere(changed, [.. result.Skip(2).Select(id => (string)id!)]);
                    return changed;
            }
        }
    }

    /// <summary>Updates this instance's copy and subscribers at once (the other instances hear of it from Redis).</summary>
    private void ApplyHere(PhoneCall changed, string[] dropped)
    {
        Keep(changed);
        foreach (var callId in dropped)
        {
            _calls.TryRemove(callId, out _);
        }
        _subscribers.Notify();
    }

    /// <summary>A change made outside the scripts: the message names the id only, so the others read what is stored.</summary>
    private async Task PublishAsync(PhoneCall changed, string[] callIds)
    {
        ApplyHere(changed, [.. callIds.Skip(1)]);
        await _redis.Subscriber.PublishAsync(Changes, $"{_origin}|{string.Join(',', callIds)}").ConfigureAwait(false);
    }

    /// <summary>
    /// A message is <c>origin|ids</c>, then <c>|snapshot</c> of the first id when it carries it; the other ids (ended
    /// calls trimmed, or a snapshot too long to carry) are read from Redis.
    /// </summary>
    private async Task OnChangedElsewhereAsync(RedisValue message)
    {
        var parts = ((string?)message ?? "").Split('|', 3);
        if (parts.Length < 2 || parts[0] == _origin)
        {
            return;
        }
        try
        {
            var callIds = parts[1].Split(',', StringSplitOptions.RemoveEmptyEntries);
            for (var i = 0; i < callIds.Length; i++)
            {
                if (i == 0 && parts.Length == 3)
                {
                    Keep(Read(parts[2]));
                }
                else if (await GetAsync(callIds[i]).ConfigureAwait(false) is { } call)
                {
                    Keep(call);
                }
                else
                {
                    _calls.TryRemove(callIds[i], out _);
                }
            }
            _subscribers.Notify();
        }
        catch (Exception exception) when (exception is RedisException or JsonException)
        {
            Log.RefreshFailed(_logger, exception.Message);
        }
    }

    /// <summary>A snapshot older than the one kept (its history shorter: calls only move forward) never replaces it.</summary>
    private void Keep(PhoneCall call) =>
        _calls.AddOrUpdate(call.CallId, call, (_, kept) => kept.History.Count > call.History.Count ? kept : call);

    /// <summary>Messages sent while the connection was down are lost: the copy is read again whole.</summary>
    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs args)
    {
        try
        {
            Reload();
            _subscribers.Notify();
        }
        catch (RedisException exception)
        {
            Log.RefreshFailed(_logger, exception.Message);
        }
    }

    private void Reload()
    {
        var stored = _redis.Database.HashGetAll(CallsKey).Select(entry => Read(entry.Value)).ToDictionary(call => call.CallId, StringComparer.Ordinal);
        foreach (var callId in _calls.Keys.Where(id => !stored.ContainsKey(id)))
        {
            _calls.TryRemove(callId, out _);
        }
        foreach (var call in stored.Values)
        {
            Keep(call);
        }
    }

    private DateTimeOffset Now() => _timeProvider.GetUtcNow();

    private static RedisKey EndMarkerKey(string callId) => RedisConnection.Key($"calls:ended-early:{callId}");

    private static PhoneCall Read(RedisValue json) => JsonSerializer.Deserialize<PhoneCall>((string)json!, Json)!;

    private static string Write(PhoneCall call) => JsonSerializer.Serialize(call, Json);

    private static string Carried(string json) => json.Length <= MaxCarriedSnapshot ? json : "";

    private static partial class Log
    {
        [LoggerMessage(EventId = 6201, Level = LogLevel.Warning, Message = "Could not read a call another instance changed ({Reason}); the copy catches up on the next change")]
        public static partial void RefreshFailed(ILogger logger, string reason);
    }
}

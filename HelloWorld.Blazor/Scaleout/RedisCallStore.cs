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

    // {0, known} an id already registered; {1} registered; {2, end} its end came first; {3} no place under the cap.
    private const string RegisterScript = """
        if ARGV[5] ~= '' then redis.call('ZREM', KEYS[2], ARGV[5]) end
        local known = redis.call('HGET', KEYS[1], ARGV[1])
        if known then return {0, known} end
        local ended = redis.call('GET', KEYS[3])
        if ended then redis.call('DEL', KEYS[3]) return {2, ended} end
        redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[4])
        if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[3]) then return {3} end
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        redis.call('ZADD', KEYS[2], '+inf', 'call:' .. ARGV[1])
        return {1}
        """;

    private const string ReserveScript = """
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
        if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
        redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
        return 1
        """;

    // 1 when the call is registered (change it); otherwise its end is kept for its registration.
    private const string EndUnknownScript = """
        if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 1 end
        redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3])
        return 0
        """;

    private const string DeleteIfEqualScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    private readonly RedisConnection _redis;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<RedisCallStore> _logger;
    private readonly Subscribers _subscribers;
    private readonly ConcurrentDictionary<string, PhoneCall> _calls = new(StringComparer.Ordinal);
    private readonly string _origin = Guid.NewGuid().ToString("N");

    public RedisCallStore(RedisConnection redis, TimeProvider timeProvider, ILogger<RedisCallStore> logger)
    {
        _redis = redis;
        _timeProvider = timeProvider;
        _logger = logger;
        _subscribers = new Subscribers(logger, "call status");
        redis.Subscriber.Subscribe(Changes, (channel, message) => _ = OnChangedElsewhereAsync(message));
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
        var taken = (long)await _redis.Database.ScriptEvaluateAsync(ReserveScript, [PlacesKey],
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
        return new Subscription(() => _ = _redis.Database.ScriptEvaluateAsync(DeleteIfEqualScript, [key], [token]));
    }

    public Task<PhoneCall?> AttachParticipantAsync(string callId, string participantId) => ChangeAsync(callId, call => CallChanges.WithParticipant(call, participantId));

    public Task<PhoneCall?> MarkAnsweredAsync(string callId, string? detail = null) => ChangeAsync(callId, call => CallChanges.Answered(call, Now(), detail));

    public Task<PhoneCall?> MarkJoiningAsync(string callId) => ChangeAsync(callId, call => CallChanges.Joining(call, Now()));

    public Task<PhoneCall?> MarkTransferredAsync(string callId) => ChangeAsync(callId, call => CallChanges.Transferred(call, Now()));

    public Task<PhoneCall?> MarkTransferFailedAsync(string callId, string failure) => ChangeAsync(callId, call => CallChanges.TransferFailed(call, failure, Now()));

    public async Task<PhoneCall?> MarkEndedAsync(string callId, string? cause)
    {
        var marker = JsonSerializer.Serialize(CallChanges.EndedBeforeRegistered(cause, Now()), Json);
        var registered = (long)await _redis.Database.ScriptEvaluateAsync(EndUnknownScript, [CallsKey, EndMarkerKey(callId)],
            [callId, marker, (long)EndMarkerLifetime.TotalMilliseconds]).ConfigureAwait(false);
        return registered == 1 ? await ChangeAsync(callId, call => CallChanges.Ended(call, cause, Now())).ConfigureAwait(false) : null;
    }

    public void Dispose()
    {
        _redis.Multiplexer.ConnectionRestored -= OnConnectionRestored;
        _redis.Subscriber.Unsubscribe(Changes);
    }

    private async Task<PhoneCall?> RegisterAsync(
        string callId, CallDirection direction, string from, string to, string? participantId, int maxActiveCalls, CallReservation? reservation)
    {
        var now = Now();
        var ringing = CallChanges.Registered(callId, direction, from, to, participantId, now, endedBefore: null);
        var result = (RedisResult[])(await _redis.Database.ScriptEvaluateAsync(RegisterScript, [CallsKey, PlacesKey, EndMarkerKey(callId)],
            [callId, Write(ringing), maxActiveCalls, now.ToUnixTimeMilliseconds(), reservation?.Id ?? ""]).ConfigureAwait(false))!;
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
                await PublishAsync(ringing, [callId]).ConfigureAwait(false);
                return ringing;
        }
    }

    /// <summary>Applies <paramref name="change"/> to the stored snapshot, again if another instance changed it meanwhile.</summary>
    private async Task<PhoneCall?> ChangeAsync(string callId, Func<PhoneCall, PhoneCall?> change)
    {
        var db = _redis.Database;
        while (true)
        {
            if (await db.HashGetAsync(CallsKey, callId).ConfigureAwait(false) is not { HasValue: true } json
                || change(Read(json)) is not { } changed)
            {
                return null;
            }
            var ends = Read(json).IsActive && !changed.IsActive;
            var transaction = db.CreateTransaction();
            transaction.AddCondition(Condition.HashEqual(CallsKey, callId, json));
            _ = transaction.HashSetAsync(CallsKey, callId, Write(changed));
            if (ends)
            {
                _ = transaction.SortedSetRemoveAsync(PlacesKey, "call:" + callId);
                _ = transaction.SortedSetAddAsync(EndedKey, callId, changed.EndedAt!.Value.ToUnixTimeMilliseconds());
            }
            if (await transaction.ExecuteAsync().ConfigureAwait(false))
            {
                var trimmed = ends ? await TrimEndedCallsAsync().ConfigureAwait(false) : [];
                await PublishAsync(changed, [callId, .. trimmed]).ConfigureAwait(false);
                return changed;
            }
        }
    }

    /// <summary>Ended calls are kept for the page's call log, up to <see cref="CallRegistry.EndedCallsKept"/>, the oldest dropped.</summary>
    private async Task<string[]> TrimEndedCallsAsync()
    {
        var db = _redis.Database;
        var excess = await db.SortedSetLengthAsync(EndedKey).ConfigureAwait(false) - CallRegistry.EndedCallsKept;
        if (excess <= 0)
        {
            return [];
        }
        var dropped = (await db.SortedSetPopAsync(EndedKey, excess, Order.Ascending).ConfigureAwait(false)).Select(entry => (string)entry.Element!).ToArray();
        await db.HashDeleteAsync(CallsKey, [.. dropped.Select(id => (RedisValue)id)]).ConfigureAwait(false);
        return dropped;
    }

    /// <summary>Updates this instance's copy and subscribers at once, then tells the other instances.</summary>
    private async Task PublishAsync(PhoneCall changed, string[] callIds)
    {
        Keep(changed);
        foreach (var dropped in callIds.Skip(1))
        {
            _calls.TryRemove(dropped, out _);
        }
        _subscribers.Notify();
        await _redis.Subscriber.PublishAsync(Changes, $"{_origin}|{string.Join(',', callIds)}").ConfigureAwait(false);
    }

    private async Task OnChangedElsewhereAsync(RedisValue message)
    {
        var text = (string?)message ?? "";
        var separator = text.IndexOf('|', StringComparison.Ordinal);
        if (separator < 0 || text[..separator] == _origin)
        {
            return;
        }
        try
        {
            foreach (var callId in text[(separator + 1)..].Split(',', StringSplitOptions.RemoveEmptyEntries))
            {
                if (await GetAsync(callId).ConfigureAwait(false) is { } call)
                {
                    Keep(call);
                }
                else
                {
                    _calls.TryRemove(callId, out _);
                }
            }
            _subscribers.Notify();
        }
        catch (RedisException exception)
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

    private static partial class Log
    {
        [LoggerMessage(EventId = 6201, Level = LogLevel.Warning, Message = "Could not read a call another instance changed ({Reason}); the copy catches up on the next change")]
        public static partial void RefreshFailed(ILogger logger, string reason);
    }
}

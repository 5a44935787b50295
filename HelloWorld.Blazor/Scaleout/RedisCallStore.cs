using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using HelloWorld.Blazor.Conference;
using StackExchange.Redis;

namespace HelloWorld.Blazor.Scaleout;

/// <summary>
/// The calls of every instance in Redis (a hash of versioned JSON snapshots, see <see cref="RedisCallScripts"/>), changed
/// by the rules of <see cref="CallChanges"/> under optimistic concurrency (a change applies only to the version it was
/// computed from), and announced on a pub/sub channel: every instance keeps a copy current from it, the highest version
/// of each call it has heard of, which <see cref="Calls"/>, <see cref="Find"/> and the pages read, and pushes each
/// change to its own subscribers. Active calls and reservations share one sorted set of
/// places, so the cap on active calls holds across instances; a reservation left by a dead instance expires.
/// </summary>
public sealed partial class RedisCallStore : ICallStore, IDisposable
{
    private static readonly RedisKey CallsKey = RedisConnection.Key("calls");
    private static readonly RedisKey PlacesKey = RedisConnection.Key("calls:places");
    private static readonly RedisKey EndedKey = RedisConnection.Key("calls:ended");
    private static readonly RedisKey VersionKey = RedisConnection.Key("calls:version");
    private static readonly RedisChannel Changes = RedisConnection.Channel("calls:changed");
    private static readonly TimeSpan ReservationLifetime = TimeSpan.FromMinutes(2);
    private static readonly TimeSpan EndMarkerLifetime = TimeSpan.FromMinutes(10);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // A dropped call's version is remembered this long, for a snapshot of it read or changed just before its drop.
    private static readonly TimeSpan DropRemembered = TimeSpan.FromMinutes(1);

    private readonly RedisConnection _redis;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<RedisCallStore> _logger;
    private readonly Subscribers _subscribers;
    private readonly ConcurrentDictionary<string, Versioned> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string CallId, Versioned Drop, DateTimeOffset At)> _drops = new();
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

    public IReadOnlyList<PhoneCall> Calls => [.. Held().OrderByDescending(call => call.StartedAt)];

    public PhoneCall? Find(string callId) => _calls.GetValueOrDefault(callId)?.Call;

    public PhoneCall? FindByParticipant(string participantId) =>
        Held().Where(call => call.ParticipantId == participantId).MaxBy(call => call.StartedAt);

    public IDisposable Subscribe(Func<Task> onChanged) => _subscribers.Subscribe(onChanged);

    public async Task<PhoneCall?> GetAsync(string callId) =>
        await _redis.Database.HashGetAsync(CallsKey, callId).ConfigureAwait(false) is { HasValue: true } stored ? Read(stored).Call : null;

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
        _redis.Subscriber.Unsubscribe(Changes);
    }

    private async Task<PhoneCall?> RegisterAsync(
        string callId, CallDirection direction, string from, string to, string? participantId, int maxActiveCalls, CallReservation? reservation)
    {
        var db = _redis.Database;
        var now = Now();
        var ringing = CallChanges.Registered(callId, direction, from, to, participantId, now, endedBefore: null);
        var result = (RedisResult[])(await db.ScriptEvaluateAsync(RedisCallScripts.Register, [CallsKey, PlacesKey, EndMarkerKey(callId), VersionKey],
            [callId, Write(ringing), maxActiveCalls, now.ToUnixTimeMilliseconds(), reservation?.Id ?? ""]).ConfigureAwait(false))!;
        switch ((long)result[0])
        {
            case 0:
                return Read((string)result[1]!).Call;
            case 2:
                var ended = CallChanges.Registered(callId, direction, from, to, participantId, now, JsonSerializer.Deserialize<CallEvent>((string)result[1]!, Json));
                result = (RedisResult[])(await db.ScriptEvaluateAsync(RedisCallScripts.RegisterEnded, [CallsKey, PlacesKey, EndedKey, VersionKey],
                    [callId, Write(ended), ended.EndedAt!.Value.ToUnixTimeMilliseconds(), "", CallRegistry.EndedCallsKept]).ConfigureAwait(false))!;
                if ((long)result[0] == 0)
                {
                    return Read((string)result[1]!).Call;
                }
                await PublishAsync(callId, new Versioned((long)result[1], ended), Trimmed(result)).ConfigureAwait(false);
                return ended;
            case 3:
                return null;
            default:
                await PublishAsync(callId, new Versioned((long)result[1], ringing), []).ConfigureAwait(false);
                return ringing;
        }
    }

    /// <summary>Applies <paramref name="change"/> to the stored snapshot, again if another instance changed it meanwhile.</summary>
    private async Task<PhoneCall?> ChangeAsync(string callId, Func<PhoneCall, PhoneCall?> change)
    {
        var db = _redis.Database;
        if (await db.HashGetAsync(CallsKey, callId).ConfigureAwait(false) is not { HasValue: true } json)
        {
            return null;
        }
        var stored = Read(json);
        while (true)
        {
            if (change(stored.Call!) is not { } changed)
            {
                return null;
            }
            RedisValue endedAt = stored.Call!.IsActive && !changed.IsActive ? changed.EndedAt!.Value.ToUnixTimeMilliseconds() : "";
            var result = (RedisResult[])(await db.ScriptEvaluateAsync(RedisCallScripts.Change, [CallsKey, PlacesKey, EndedKey, VersionKey],
                [callId, stored.Version, Write(changed), endedAt, CallRegistry.EndedCallsKept]).ConfigureAwait(false))!;
            switch ((long)result[0])
            {
                case 0:
                    return null;
                case 1:
                    stored = Read((string)result[1]!);
                    break;
                default:
                    await PublishAsync(callId, new Versioned((long)result[1], changed), Trimmed(result)).ConfigureAwait(false);
                    return changed;
            }
        }
    }

    /// <summary>Updates this instance's copy and subscribers at once, then tells the other instances.</summary>
    private async Task PublishAsync(string callId, Versioned changed, string[] dropped)
    {
        Keep(callId, changed);
        foreach (var droppedId in dropped)
        {
            Keep(droppedId, new Versioned(changed.Version, null));
        }
        _subscribers.Notify();
        await _redis.Subscriber.PublishAsync(Changes, $"{_origin}|{string.Join(',', [callId, .. dropped])}").ConfigureAwait(false);
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
                var read = (RedisResult[])(await _redis.Database.ScriptEvaluateAsync(RedisCallScripts.Read, [CallsKey, VersionKey], [callId]).ConfigureAwait(false))!;
                Keep(callId, read[0].IsNull ? new Versioned((long)read[1], null) : Read((string)read[0]!));
            }
            _subscribers.Notify();
        }
        catch (RedisException exception)
        {
            Log.RefreshFailed(_logger, exception.Message);
        }
    }

    /// <summary>
    /// A snapshot replaces the one kept only when its version is higher: a change applied here after a later one heard
    /// from another instance, or a read that a change overtook, is older whatever its history says. A drop is kept as a
    /// version without a call, so a late snapshot cannot bring the call back; it is forgotten after a while.
    /// </summary>
    private void Keep(string callId, Versioned newer)
    {
        var kept = _calls.AddOrUpdate(callId, newer, (_, current) => newer.Version > current.Version ? newer : current);
        if (newer.Call is null && ReferenceEquals(kept, newer))
        {
            _drops.Enqueue((callId, newer, Now()));
        }
        var forgetBefore = Now() - DropRemembered;
        while (_drops.TryPeek(out var drop) && drop.At < forgetBefore && _drops.TryDequeue(out drop))
        {
            _calls.TryRemove(KeyValuePair.Create(drop.CallId, drop.Drop));
        }
    }

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
        var result = (RedisResult[])_redis.Database.ScriptEvaluate(RedisCallScripts.ReadAll, [CallsKey, VersionKey])!;
        var entries = (RedisResult[])result[1]!;
        var stored = new Dictionary<string, Versioned>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Length; i += 2)
        {
            stored[(string)entries[i]!] = Read((string)entries[i + 1]!);
        }
        // A call held here but no longer stored was dropped at the latest by the version read with the calls.
        foreach (var callId in _calls.Keys.Where(id => !stored.ContainsKey(id)))
        {
            Keep(callId, new Versioned((long)result[0], null));
        }
        foreach (var (callId, call) in stored)
        {
            Keep(callId, call);
        }
    }

    private IEnumerable<PhoneCall> Held() => _calls.Values.Select(kept => kept.Call).OfType<PhoneCall>();

    private DateTimeOffset Now() => _timeProvider.GetUtcNow();

    private static RedisKey EndMarkerKey(string callId) => RedisConnection.Key($"calls:ended-early:{callId}");

    private static string[] Trimmed(RedisResult[] result) => [.. result.Skip(2).Select(id => (string)id!)];

    private static Versioned Read(RedisValue stored)
    {
        var text = (string)stored!;
        var separator = text.IndexOf(':', StringComparison.Ordinal);
        return new Versioned(long.Parse(text.AsSpan(0, separator), CultureInfo.InvariantCulture), JsonSerializer.Deserialize<PhoneCall>(text.AsSpan(separator + 1), Json));
    }

    private static string Write(PhoneCall call) => JsonSerializer.Serialize(call, Json);

    /// <summary>A call as one version left it; without a call, the version at which it was dropped.</summary>
    private sealed record Versioned(long Version, PhoneCall? Call);

    private static partial class Log
    {
        [LoggerMessage(EventId = 6201, Level = LogLevel.Warning, Message = "Could not read a call another instance changed ({Reason}); the copy catches up on the next change")]
        public static partial void RefreshFailed(ILogger logger, string reason);
    }
}

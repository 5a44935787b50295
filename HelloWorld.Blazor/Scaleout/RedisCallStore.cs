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

    // A call's snapshot rides in its change's message up to this length (about ten times a call's); longer, the message
    // names only the id, which the other instances read.
    private const int MaxCarriedSnapshot = 16 * 1024;

    private readonly RedisConnection _redis;
    private readonly TimeProvider _timeProvider;
    private readonly ILogger<RedisCallStore> _logger;
    private readonly Subscribers _subscribers;
    private readonly VersionedCalls _calls;
    private readonly string _origin = Guid.NewGuid().ToString("N");

    public RedisCallStore(RedisConnection redis, TimeProvider timeProvider, ILogger<RedisCallStore> logger)
    {
        _redis = redis;
        _timeProvider = timeProvider;
        _logger = logger;
        _subscribers = new Subscribers(logger, "call status");
        _calls = new VersionedCalls(timeProvider);
        redis.Subscriber.Subscribe(Changes, (channel, message) => _ = OnChangedElsewhereAsync(message));
        redis.Multiplexer.ConnectionRestored += OnConnectionRestored;
        Reload();
    }

    public IReadOnlyList<PhoneCall> Calls => [.. _calls.All.OrderByDescending(call => call.StartedAt)];

    public PhoneCall? Find(string callId) => _calls.Find(callId)?.Call;

    public PhoneCall? FindByParticipant(string participantId) =>
        _calls.All.Where(call => call.ParticipantId == participantId).MaxBy(call => call.StartedAt);

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
        var json = Write(ringing);
        var result = (RedisResult[])(await db.ScriptEvaluateAsync(RedisCallScripts.Register, [CallsKey, PlacesKey, EndMarkerKey(callId), VersionKey],
            [callId, json, maxActiveCalls, now.ToUnixTimeMilliseconds(), reservation?.Id ?? "", .. Announcing(json)]).ConfigureAwait(false))!;
        switch ((long)result[0])
        {
            case 0:
                return Read((string)result[1]!).Call;
            case 2:
                var ended = CallChanges.Registered(callId, direction, from, to, participantId, now, JsonSerializer.Deserialize<CallEvent>((string)result[1]!, Json));
                json = Write(ended);
                result = (RedisResult[])(await db.ScriptEvaluateAsync(RedisCallScripts.RegisterEnded, [CallsKey, PlacesKey, EndedKey, VersionKey],
                    [callId, json, ended.EndedAt!.Value.ToUnixTimeMilliseconds(), "", CallRegistry.EndedCallsKept, .. Announcing(json)]).ConfigureAwait(false))!;
                if ((long)result[0] == 0)
                {
                    return Read((string)result[1]!).Call;
                }
                ApplyHere(callId, new VersionedCall((long)result[1], ended), Trimmed(result));
                return ended;
            case 3:
                return null;
            default:
                ApplyHere(callId, new VersionedCall((long)result[1], ringing), []);
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
        var stored = _calls.Find(callId);
        var fromCopy = stored is not null;
        while (true)
        {
            if (stored is null)
            {
                if (await db.HashGetAsync(CallsKey, callId).ConfigureAwait(false) is not { HasValue: true } read)
                {
                    return null;
                }
                stored = Read(read);
            }
            if (change(stored.Call!) is not { } changed)
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
            RedisValue endedAt = stored.Call!.IsActive && !changed.IsActive ? changed.EndedAt!.Value.ToUnixTimeMilliseconds() : "";
            var result = (RedisResult[])(await db.ScriptEvaluateAsync(RedisCallScripts.Change, [CallsKey, PlacesKey, EndedKey, VersionKey],
                [callId, stored.Version, json, endedAt, CallRegistry.EndedCallsKept, .. Announcing(json)]).ConfigureAwait(false))!;
            switch ((long)result[0])
            {
                case 0:
                    return null;
                case 1:
                    (stored, fromCopy) = (Read((string)result[1]!), false);
                    break;
                default:
                    ApplyHere(callId, new VersionedCall((long)result[1], changed), Trimmed(result));
                    return changed;
            }
        }
    }

    /// <summary>Updates this instance's copy and subscribers at once (the other instances hear of it from Redis).</summary>
    private void ApplyHere(string callId, VersionedCall changed, string[] dropped)
    {
        _calls.Keep(callId, changed);
        foreach (var droppedId in dropped)
        {
            _calls.Drop(droppedId, changed.Version);
        }
        _subscribers.Notify();
    }

    /// <summary>
    /// A message is <c>origin|version|ids</c>, then <c>|json</c> of the first id's snapshot when it carries it; the other
    /// ids are ended calls dropped in that version. A snapshot not carried (too long) is read from Redis.
    /// </summary>
    private async Task OnChangedElsewhereAsync(RedisValue message)
    {
        var parts = ((string?)message ?? "").Split('|', 4);
        if (parts.Length < 3 || parts[0] == _origin)
        {
            return;
        }
        try
        {
            var version = long.Parse(parts[1], CultureInfo.InvariantCulture);
            var callIds = parts[2].Split(',', StringSplitOptions.RemoveEmptyEntries);
            for (var i = 0; i < callIds.Length; i++)
            {
                if (i > 0)
                {
                    _calls.Drop(callIds[i], version);
                }
                else if (parts.Length == 4)
                {
                    _calls.Keep(callIds[i], new VersionedCall(version, JsonSerializer.Deserialize<PhoneCall>(parts[3], Json)));
                }
                else
                {
                    var read = (RedisResult[])(await _redis.Database.ScriptEvaluateAsync(RedisCallScripts.Read, [CallsKey, VersionKey], [callIds[i]]).ConfigureAwait(false))!;
                    _calls.Keep(callIds[i], read[0].IsNull ? new VersionedCall((long)read[1], null) : Read((string)read[0]!));
                }
            }
            _subscribers.Notify();
        }
        catch (Exception exception) when (exception is RedisException or JsonException or FormatException)
        {
            Log.RefreshFailed(_logger, exception.Message);
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
        var stored = new Dictionary<string, VersionedCall>(StringComparer.Ordinal);
        for (var i = 0; i < entries.Length; i += 2)
        {
            stored[(string)entries[i]!] = Read((string)entries[i + 1]!);
        }
        _calls.KeepAll(stored, (long)result[0]);
    }

    private DateTimeOffset Now() => _timeProvider.GetUtcNow();

    private static RedisKey EndMarkerKey(string callId) => RedisConnection.Key($"calls:ended-early:{callId}");

    // A script's reply after its kind and version: the call's id, then the ended calls it dropped.
    private static string[] Trimmed(RedisResult[] result) => [.. result.Skip(3).Select(id => (string)id!)];

    // The arguments every announcing script ends with (see RedisCallScripts.Announce).
    private RedisValue[] Announcing(string json) => [Changes.ToString(), _origin, json.Length <= MaxCarriedSnapshot ? json : ""];

    private static VersionedCall Read(RedisValue stored) => VersionedCall.FromStored((string)stored!, Json);

    private static string Write(PhoneCall call) => JsonSerializer.Serialize(call, Json);

    private static partial class Log
    {
        [LoggerMessage(EventId = 6201, Level = LogLevel.Warning, Message = "Could not read a call another instance changed ({Reason}); the copy catches up on the next change")]
        public static partial void RefreshFailed(ILogger logger, string reason);
    }
}

using System.Text.Json;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Observability;
using HelloWorld.Blazor.Security;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace HelloWorld.Blazor.Scaleout;

/// <summary>
/// The session's places and the app's participants as every instance counts them, in Redis: places (placeId → client,
/// instance, participant), places per client, and the participants the app created (with the instance that made them).
/// Taking and freeing a place are scripts, so the ceilings hold however many instances join at once; each change is
/// announced, so every instance's <see cref="Current"/> and its pages follow.
/// </summary>
public sealed class RedisParticipantLedger : IParticipantLedger, IDisposable
{
    private static readonly RedisKey Places = RedisConnection.Key("places");
    private static readonly RedisKey PlacesByClient = RedisConnection.Key("places:clients");
    private static readonly RedisKey Participants = RedisConnection.Key("participants");
    private static readonly RedisKey Leases = RedisConnection.Key("participants:leases");
    private static readonly RedisChannel Changes = RedisConnection.Channel("places:changed");
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    // KEYS: places, per client. ARGV: place, client ('' for none), instance, max per session, max per client, take (1) or only check (0).
    // Returns {0} admitted, {1, in use} the session is full, {2} the client holds its maximum.
    private const string ReserveScript = """
        local inUse = redis.call('HLEN', KEYS[1])
        if inUse >= tonumber(ARGV[4]) then return {1, inUse} end
        if ARGV[2] ~= '' and tonumber(redis.call('HGET', KEYS[2], ARGV[2]) or '0') >= tonumber(ARGV[5]) then return {2} end
        if ARGV[6] == '1' then
          redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '|' .. ARGV[3] .. '|')
          if ARGV[2] ~= '' then redis.call('HINCRBY', KEYS[2], ARGV[2], 1) end
        end
        return {0}
        """;

    // KEYS: places, per client, participants, leases. ARGV: place, and optionally what it must still hold (a reclaim
    // must not free a place whose participant was recorded since it was read). Frees it once, with its participant's records.
    private const string FreeScript = """
        local place = redis.call('HGET', KEYS[1], ARGV[1])
        if not place or (ARGV[2] and place ~= ARGV[2]) then return 0 end
        redis.call('HDEL', KEYS[1], ARGV[1])
        local client, instance, participant = string.match(place, '^([^|]*)|([^|]*)|(.*)$')
        if client ~= '' and redis.call('HINCRBY', KEYS[2], client, -1) <= 0 then redis.call('HDEL', KEYS[2], client) end
        if participant ~= '' then redis.call('HDEL', KEYS[3], participant) redis.call('HDEL', KEYS[4], participant) end
        return 1
        """;

    // KEYS: places, participants. ARGV: place, participant, its record. Only for a place still held.
    private const string RecordScript = """
        local place = redis.call('HGET', KEYS[1], ARGV[1])
        if not place then return 0 end
        redis.call('HSET', KEYS[1], ARGV[1], place .. ARGV[2])
        redis.call('HSET', KEYS[2], ARGV[2], ARGV[3])
        return 1
        """;

    private readonly RedisConnection _redis;
    private readonly RedisAppInstances _instances;
    private readonly ICallStore _calls;
    private readonly TimeProvider _timeProvider;
    private readonly IOptions<ParticipantOptions> _options;
    private readonly Subscribers _subscribers;
    private int _inUse;

    public RedisParticipantLedger(
        RedisConnection redis, RedisAppInstances instances, ICallStore calls, TimeProvider timeProvider,
        IOptions<ParticipantOptions> options, ILogger<RedisParticipantLedger> logger)
    {
        _redis = redis;
        _instances = instances;
        _calls = calls;
        _timeProvider = timeProvider;
        _options = options;
        _subscribers = new Subscribers(logger, "session capacity");
        redis.Subscriber.Subscribe(Changes, (_, _) => _ = RefreshAsync());
        _inUse = (int)redis.Database.HashLength(Places);
    }

    public CapacitySnapshot Current => new(Volatile.Read(ref _inUse), _options.Value.MaxPerSession);

    public int HeldBy(ClientAddress client) => (int)_redis.Database.HashGet(PlacesByClient, client.Key);

    public IDisposable Subscribe(Func<Task> onChanged) => _subscribers.Subscribe(onChanged);

    public Task EnsureRoomForAsync(ClientAddress? client) => ReserveAsync(Guid.NewGuid().ToString("N"), client, take: false);

    public async Task<ParticipantPlace> ReserveAsync(ClientAddress? client)
    {
        var place = new ParticipantPlace(Guid.NewGuid().ToString("N"), client, free => _ = FreeAsync(free.Id));
        await ReserveAsync(place.Id, client, take: true).ConfigureAwait(false);
        await AnnounceAsync().ConfigureAwait(false);
        return place;
    }

    public async Task RecordAsync(ParticipantPlace place, ParticipantInfo participant)
    {
        var record = JsonSerializer.Serialize(new Recorded(place.Id, _instances.Id, participant), Json);
        await _redis.Database.ScriptEvaluateAsync(RecordScript, [Places, Participants], [place.Id, participant.Id, record]).ConfigureAwait(false);
    }

    public Task FreeAsync(ParticipantPlace place) => place.TryFree() ? FreeAsync(place.Id) : Task.CompletedTask;

    public async Task ForgetAsync(string participantId)
    {
        if (ReadRecord(await _redis.Database.HashGetAsync(Participants, participantId).ConfigureAwait(false)) is { } recorded)
        {
            await FreeAsync(recorded.PlaceId).ConfigureAwait(false);
        }
    }

    public ParticipantInfo? Find(string participantId) => ReadRecord(_redis.Database.HashGet(Participants, participantId))?.Participant;

    public async Task<IReadOnlyCollection<string>> AllAsync() =>
        [.. (await _redis.Database.HashKeysAsync(Participants).ConfigureAwait(false)).Select(id => (string)id!)];

    public async Task<bool> IsHeldElsewhereAsync(string participantId)
    {
        if (ReadRecord(await _redis.Database.HashGetAsync(Participants, participantId).ConfigureAwait(false)) is not { } recorded)
        {
            return false;
        }
        if (recorded.Instance != _instances.Id && await _instances.IsAliveAsync(recorded.Instance).ConfigureAwait(false))
        {
            return true;
        }
        return await IsHeldByCallOrLeaseAsync(participantId).ConfigureAwait(false);
    }

    public async Task<bool> OutlivesThisInstanceAsync(string participantId) =>
        await _instances.CountAliveAsync().ConfigureAwait(false) > 0 && await IsHeldByCallOrLeaseAsync(participantId).ConfigureAwait(false);

    public Task SetLeaseAsync(string participantId, DateTimeOffset? until) => until is { } end
        ? _redis.Database.HashSetAsync(Leases, participantId, end.ToUnixTimeMilliseconds())
        : _redis.Database.HashDeleteAsync(Leases, participantId);

    public async Task<int> ReclaimAbandonedPlacesAsync()
    {
        var reclaimed = 0;
        foreach (var place in await _redis.Database.HashGetAllAsync(Places).ConfigureAwait(false))
        {
            // client|instance|participant: the participant is empty until RecordAsync, and only its instance records it.
            var held = (string)place.Value!;
            var fields = held.Split('|', 3);
            if (fields is [_, var instance, ""]
                && !await _instances.IsAliveAsync(instance).ConfigureAwait(false)
                && (long)await _redis.Database.ScriptEvaluateAsync(FreeScript, [Places, PlacesByClient, Participants, Leases], [place.Name, held]).ConfigureAwait(false) == 1)
            {
                reclaimed++;
            }
        }
        if (reclaimed > 0)
        {
            await AnnounceAsync().ConfigureAwait(false);
        }
        return reclaimed;
    }

    public void Dispose() => _redis.Subscriber.Unsubscribe(Changes);

    /// <summary>Calls and leases are served by whichever instance their webhooks and renewals reach.</summary>
    private async Task<bool> IsHeldByCallOrLeaseAsync(string participantId)
    {
        if ((await _calls.GetAsync(_calls.FindByParticipant(participantId)?.CallId ?? "").ConfigureAwait(false))?.IsActive == true)
        {
            return true;
        }
        return await _redis.Database.HashGetAsync(Leases, participantId).ConfigureAwait(false) is { HasValue: true } until
            && (long)until > _timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
    }

    private async Task ReserveAsync(string placeId, ClientAddress? client, bool take)
    {
        var settings = _options.Value;
        var result = (RedisResult[])(await _redis.Database.ScriptEvaluateAsync(ReserveScript, [Places, PlacesByClient],
            [placeId, client?.Key ?? "", _instances.Id, settings.MaxPerSession, settings.MaxPerClient, take ? 1 : 0]).ConfigureAwait(false))!;
        var refusal = (long)result[0] switch
        {
            1 => ParticipantRefusedException.SessionFull((int)(long)result[1], settings.MaxPerSession),
            2 => ParticipantRefusedException.ClientLimit(settings.MaxPerClient),
            _ => null,
        };
        if (refusal is not null)
        {
            AppTelemetry.ParticipantRefused(refusal.Reason);
            throw refusal;
        }
    }

    private async Task FreeAsync(string placeId)
    {
        await _redis.Database.ScriptEvaluateAsync(FreeScript, [Places, PlacesByClient, Participants, Leases], [placeId]).ConfigureAwait(false);
        await AnnounceAsync().ConfigureAwait(false);
    }

    private async Task AnnounceAsync()
    {
        await RefreshAsync().ConfigureAwait(false);
        await _redis.Subscriber.PublishAsync(Changes, "").ConfigureAwait(false);
    }

    private async Task RefreshAsync()
    {
        try
        {
            Volatile.Write(ref _inUse, (int)await _redis.Database.HashLengthAsync(Places).ConfigureAwait(false));
            _subscribers.Notify();
        }
        catch (RedisException)
        {
            // The next change reads the count again.
        }
    }

    private static Recorded? ReadRecord(RedisValue json) => json.HasValue ? JsonSerializer.Deserialize<Recorded>((string)json!, Json) : null;

    private sealed record Recorded(string PlaceId, string Instance, ParticipantInfo Participant);
}

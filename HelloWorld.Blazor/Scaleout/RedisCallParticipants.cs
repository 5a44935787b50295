using System.Collections.Concurrent;
using System.Text.Json;
using HelloWorld.Blazor.Conference;
using StackExchange.Redis;

namespace HelloWorld.Blazor.Scaleout;

/// <summary>
/// The phone participant of every call in one Redis hash (callId → the participant, or a marker while one instance joins
/// it), so the answer webhook finds the token whichever instance it reaches. The marker is a claim: one instance joins,
/// the others wait for what it stores. Taking the entry out (one script) is what entitles a caller to delete the
/// participant; whoever finds the marker gone when its join completes (the call ended meanwhile) deletes what it joined.
/// The marker names its instance: a waiter that finds that instance dead takes the marker out and the call joins again
/// (what the dead instance may have created is an orphan for the sweep).
/// </summary>
public sealed class RedisCallParticipants(RedisConnection redis, RedisAppInstances instances, TimeProvider timeProvider) : ICallParticipants
{
    private static readonly RedisKey Legs = RedisConnection.Key("calls:participants");
    private static readonly RedisKey Placing = RedisConnection.Key("calls:placing");
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);
    // A join takes well under a second; only a marker older than that costs a liveness question, once a second.
    private static readonly TimeSpan LivenessCheckInterval = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan PlacingLifetime = TimeSpan.FromMinutes(2);
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);
    private const string JoiningPrefix = "joining:";

    private const string ReplaceIfEqualScript = """
        if redis.call('HGET', KEYS[1], ARGV[1]) ~= ARGV[2] then return 0 end
        if ARGV[3] == '' then redis.call('HDEL', KEYS[1], ARGV[1]) else redis.call('HSET', KEYS[1], ARGV[1], ARGV[3]) end
        return 1
        """;

    private const string TakeScript = """
        local leg = redis.call('HGET', KEYS[1], ARGV[1])
        if leg then redis.call('HDEL', KEYS[1], ARGV[1]) end
        return leg
        """;

    // Joins running here, so repeated webhooks on this instance share one without polling Redis.
    private readonly ConcurrentDictionary<string, Lazy<Task<JoinedParticipant>>> _joining = new(StringComparer.Ordinal);

    public async Task<JoinedParticipant> JoinOnceAsync(string callId, Func<Task<JoinedParticipant>> join, CancellationToken cancellationToken)
    {
        while (true)
        {
            if (_joining.TryGetValue(callId, out var running))
            {
                return await running.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            var marker = $"{JoiningPrefix}{instances.Id}:{Guid.NewGuid():N}";
            if (await redis.Database.HashSetAsync(Legs, callId, marker, When.NotExists).ConfigureAwait(false))
            {
                var mine = new Lazy<Task<JoinedParticipant>>(() => JoinAndStoreAsync(callId, marker, join));
                _joining[callId] = mine;
                return await mine.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            if (await WaitForJoinAsync(callId, cancellationToken).ConfigureAwait(false) is { } joined)
            {
                return joined;
            }
            // The join elsewhere failed (or the call's participant was taken): this webhook tries again, as a repeat does.
        }
    }

    public Task AddAsync(string callId, JoinedParticipant participant) =>
        redis.Database.HashSetAsync(Legs, callId, JsonSerializer.Serialize(participant, Json));

    public Task<JoinedParticipant?> FindAsync(string callId, CancellationToken cancellationToken) => WaitForJoinAsync(callId, cancellationToken);

    public async Task<JoinedParticipant?> TakeAsync(string callId)
    {
        var leg = (string?)await redis.Database.ScriptEvaluateAsync(TakeScript, [Legs], [callId]).ConfigureAwait(false);
        // A marker taken means a join under way, here or elsewhere: its joiner finds the marker gone and deletes what it joined.
        return leg is null || leg.StartsWith(JoiningPrefix, StringComparison.Ordinal) ? null : JsonSerializer.Deserialize<JoinedParticipant>(leg, Json);
    }

    public async Task<IAsyncDisposable> PlacingAsync()
    {
        var id = Guid.NewGuid().ToString("N");
        await redis.Database.SortedSetAddAsync(Placing, id, (timeProvider.GetUtcNow() + PlacingLifetime).ToUnixTimeMilliseconds()).ConfigureAwait(false);
        return new Placed(redis, id);
    }

    public async Task WaitForCallsBeingPlacedAsync(CancellationToken cancellationToken)
    {
        var db = redis.Database;
        var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
        var pending = (await db.SortedSetRangeByScoreAsync(Placing, now, double.PositiveInfinity).ConfigureAwait(false)).ToList();
        while (pending.Count > 0)
        {
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
            var scores = await db.SortedSetScoresAsync(Placing, [.. pending]).ConfigureAwait(false);
            now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
            pending = [.. pending.Where((_, index) => scores[index] is { } until && until > now)];
        }
    }

    private async Task<JoinedParticipant> JoinAndStoreAsync(string callId, string marker, Func<Task<JoinedParticipant>> join)
    {
        try
        {
            JoinedParticipant participant;
            try
            {
                participant = await join().ConfigureAwait(false);
            }
            catch
            {
                // Forgotten, so a repeated webhook tries again.
                await redis.Database.ScriptEvaluateAsync(ReplaceIfEqualScript, [Legs], [callId, marker, ""]).ConfigureAwait(false);
                throw;
            }
            var stored = (long)await redis.Database.ScriptEvaluateAsync(ReplaceIfEqualScript, [Legs],
                [callId, marker, JsonSerializer.Serialize(participant, Json)]).ConfigureAwait(false);
            return stored == 1 ? participant : throw new CallEndedWhileJoiningException(callId, participant);
        }
        finally
        {
            _joining.TryRemove(callId, out _);
        }
    }

    /// <summary>The call's participant once no join is under way for it; <c>null</c> when it has none.</summary>
    private async Task<JoinedParticipant?> WaitForJoinAsync(string callId, CancellationToken cancellationToken)
    {
        var lastLivenessCheck = timeProvider.GetTimestamp();
        while (true)
        {
            if (_joining.TryGetValue(callId, out var running))
            {
                return await running.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            var leg = (string?)await redis.Database.HashGetAsync(Legs, callId).ConfigureAwait(false);
            if (leg is null)
            {
                return null;
            }
            if (!leg.StartsWith(JoiningPrefix, StringComparison.Ordinal))
            {
                return JsonSerializer.Deserialize<JoinedParticipant>(leg, Json);
            }
            if (timeProvider.GetElapsedTime(lastLivenessCheck) >= LivenessCheckInterval)
            {
                if (await JoinerDiedAsync(leg).ConfigureAwait(false))
                {
                    await redis.Database.ScriptEvaluateAsync(ReplaceIfEqualScript, [Legs], [callId, leg, ""]).ConfigureAwait(false);
                    return null;
                }
                lastLivenessCheck = timeProvider.GetTimestamp();
            }
            await Task.Delay(PollInterval, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Whether the instance named in a join marker (joining:instance:id) is no longer alive.</summary>
    private async Task<bool> JoinerDiedAsync(string marker)
    {
        var end = marker.LastIndexOf(':');
        return end > JoiningPrefix.Length
            && !await instances.IsAliveAsync(marker[JoiningPrefix.Length..end]).ConfigureAwait(false);
    }

    private sealed class Placed(RedisConnection redis, string id) : IAsyncDisposable
    {
        public async ValueTask DisposeAsync() => await redis.Database.SortedSetRemoveAsync(Placing, id).ConfigureAwait(false);
    }
}

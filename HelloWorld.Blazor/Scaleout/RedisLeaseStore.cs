using HelloWorld.Blazor.Api;
using StackExchange.Redis;

namespace HelloWorld.Blazor.Scaleout;

/// <summary>
/// The <c>/connectionInfo</c> leases in one Redis hash (digest → participant and end), so a renewal or a release may
/// reach any instance; every change is one script, so a lease ends exactly once whoever ends it.
/// </summary>
public sealed class RedisLeaseStore(RedisConnection redis) : ILeaseStore
{
    private static readonly RedisKey Leases = RedisConnection.Key("leases");

    private const string RenewScript = """
        local lease = redis.call('HGET', KEYS[1], ARGV[1])
        if not lease then return false end
        local participant = string.match(lease, '^([^|]*)|')
        redis.call('HSET', KEYS[1], ARGV[1], participant .. '|' .. ARGV[2])
        return participant
        """;

    private const string TakeScript = """
        local lease = redis.call('HGET', KEYS[1], ARGV[1])
        if not lease then return false end
        redis.call('HDEL', KEYS[1], ARGV[1])
        return string.match(lease, '^([^|]*)|')
        """;

    // Returns {participant} when the lease ended now, {'', ends at} while it runs, false when it had ended already.
    private const string TakeIfExpiredScript = """
        local lease = redis.call('HGET', KEYS[1], ARGV[1])
        if not lease then return false end
        local participant, ends = string.match(lease, '^([^|]*)|(%d+)$')
        if tonumber(ends) > tonumber(ARGV[2]) then return {'', ends} end
        redis.call('HDEL', KEYS[1], ARGV[1])
        return {participant}
        """;

    public Task AddAsync(string digest, string participantId, DateTimeOffset expiresAt) =>
        redis.Database.HashSetAsync(Leases, digest, $"{participantId}|{expiresAt.ToUnixTimeMilliseconds()}");

    public async Task<string?> RenewAsync(string digest, DateTimeOffset expiresAt) =>
        (string?)await redis.Database.ScriptEvaluateAsync(RenewScript, [Leases], [digest, expiresAt.ToUnixTimeMilliseconds()]).ConfigureAwait(false);

    public async Task<string?> TakeAsync(string digest) =>
        (string?)await redis.Database.ScriptEvaluateAsync(TakeScript, [Leases], [digest]).ConfigureAwait(false);

    public async Task<(string? Expired, DateTimeOffset? EndsAt)> TakeIfExpiredAsync(string digest, DateTimeOffset now)
    {
        var result = await redis.Database.ScriptEvaluateAsync(TakeIfExpiredScript, [Leases], [digest, now.ToUnixTimeMilliseconds()]).ConfigureAwait(false);
        if (result.IsNull || result.Resp2Type != ResultType.Array)
        {
            return (null, null);
        }
        var parts = (RedisResult[])result!;
        return parts.Length == 1
            ? ((string?)parts[0], null)
            : (null, DateTimeOffset.FromUnixTimeMilliseconds((long)parts[1]));
    }
}

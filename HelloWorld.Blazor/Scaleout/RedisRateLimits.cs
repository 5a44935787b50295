using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Security;
using StackExchange.Redis;

namespace HelloWorld.Blazor.Scaleout;

/// <summary>
/// The money-spending limits counted in Redis for every instance together, with the rules of <see cref="PerMinuteLimit"/>:
/// a sliding log (a sorted set of admissions scored by their time) per limit and per client, checked and added to in one
/// script, so two instances admit no more together than one would alone.
/// </summary>
public sealed class RedisRateLimits(RedisConnection redis, TimeProvider timeProvider) : IRateLimits
{
    public IPerMinuteLimit PerMinute(string name, int overall, int perClient) => new Limit(redis, timeProvider, name, overall, perClient);

    private sealed class Limit(RedisConnection redis, TimeProvider timeProvider, string name, int overall, int perClient) : IPerMinuteLimit
    {
        // KEYS: everyone's log, the client's log. ARGV: now (ms), window (ms), overall, per client, a unique member.
        // Returns {admitted, retry after (ms), refused for the client}. An admission at t counts while t > now - window.
        private const string Script = """
            local now = tonumber(ARGV[1])
            local window = tonumber(ARGV[2])
            redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - window)
            redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', now - window)
            local function retry(key)
              local oldest = redis.call('ZRANGE', key, 0, 0, 'WITHSCORES')
              return tonumber(oldest[2]) + window - now
            end
            if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[4]) then return {0, retry(KEYS[2]), 1} end
            if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[3]) then return {0, retry(KEYS[1]), 0} end
            redis.call('ZADD', KEYS[1], now, ARGV[5])
            redis.call('ZADD', KEYS[2], now, ARGV[5])
            redis.call('PEXPIRE', KEYS[1], window)
            redis.call('PEXPIRE', KEYS[2], window)
            return {1, 0, 0}
            """;

        public int Overall { get; } = Math.Max(1, overall);

        public int PerClient { get; } = Math.Max(1, perClient);

        public async Task<RateDecision> TryAcquireAsync(ClientAddress client)
        {
            var now = timeProvider.GetUtcNow().ToUnixTimeMilliseconds();
            var keys = new RedisKey[] { RedisConnection.Key($"rate:{name}"), RedisConnection.Key($"rate:{name}:{client.Key}") };
            var values = new RedisValue[] { now, (long)PerMinuteLimit.Window.TotalMilliseconds, Overall, PerClient, Guid.NewGuid().ToString("N") };
            var result = (RedisResult[])(await redis.Database.ScriptEvaluateAsync(Script, keys, values).ConfigureAwait(false))!;
            return new RateDecision((long)result[0] == 1, TimeSpan.FromMilliseconds(Math.Max(0, (long)result[1])), (long)result[2] == 1);
        }
    }
}

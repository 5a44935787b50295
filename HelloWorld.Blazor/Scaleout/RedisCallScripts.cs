namespace HelloWorld.Blazor.Scaleout;

/// <summary>The Lua scripts of <see cref="RedisCallStore"/>: each runs atomically in Redis, in one round trip.</summary>
internal static class RedisCallScripts
{
    // {0, known} an id already registered; {1} registered and announced (ARGV[6-8] as in Change); {2, end} its end came
    // first; {3} no place under the cap.
    public const string Register = """
        if ARGV[5] ~= '' then redis.call('ZREM', KEYS[2], ARGV[5]) end
        local known = redis.call('HGET', KEYS[1], ARGV[1])
        if known then return {0, known} end
        local ended = redis.call('GET', KEYS[3])
        if ended then redis.call('DEL', KEYS[3]) return {2, ended} end
        redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[4])
        if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[3]) then return {3} end
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[2])
        redis.call('ZADD', KEYS[2], '+inf', 'call:' .. ARGV[1])
        local message = ARGV[7] .. '|' .. ARGV[1]
        if ARGV[8] ~= '' then message = message .. '|' .. ARGV[8] end
        redis.call('PUBLISH', ARGV[6], message)
        return {1}
        """;

    public const string Reserve = """
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[1])
        if redis.call('ZCARD', KEYS[1]) >= tonumber(ARGV[2]) then return 0 end
        redis.call('ZADD', KEYS[1], ARGV[3], ARGV[4])
        return 1
        """;

    // 1 when the call is registered (change it); otherwise its end is kept for its registration.
    public const string EndUnknown = """
        if redis.call('HEXISTS', KEYS[1], ARGV[1]) == 1 then return 1 end
        redis.call('SET', KEYS[2], ARGV[2], 'NX', 'PX', ARGV[3])
        return 0
        """;

    public const string DeleteIfEqual = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    // The change of a call, applied only to the snapshot it was computed from (ARGV[2]): {0} no such call; {1, stored}
    // the stored snapshot differs (compute the change again from it); {2, id, trimmed ids...} changed and announced.
    // A call that ends (ARGV[4], its end in ms) leaves the places and joins the ended calls, the oldest beyond ARGV[5]
    // dropped. The message (ARGV[7]: origin, ARGV[8]: the new snapshot, or '' when too long to carry) names the ids.
    public const string Change = """
        local stored = redis.call('HGET', KEYS[1], ARGV[1])
        if not stored then return {0} end
        if stored ~= ARGV[2] then return {1, stored} end
        redis.call('HSET', KEYS[1], ARGV[1], ARGV[3])
        local ids = {ARGV[1]}
        if ARGV[4] ~= '' then
            redis.call('ZREM', KEYS[2], 'call:' .. ARGV[1])
            redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
            local excess = redis.call('ZCARD', KEYS[3]) - tonumber(ARGV[5])
            if excess > 0 then
                local dropped = redis.call('ZPOPMIN', KEYS[3], excess)
                for i = 1, #dropped, 2 do
                    redis.call('HDEL', KEYS[1], dropped[i])
                    ids[#ids + 1] = dropped[i]
                end
            end
        end
        local message = ARGV[7] .. '|' .. table.concat(ids, ',')
        if ARGV[8] ~= '' then message = message .. '|' .. ARGV[8] end
        redis.call('PUBLISH', ARGV[6], message)
        return {2, unpack(ids)}
        """;
}

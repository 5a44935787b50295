namespace HelloWorld.Blazor.Scaleout;

/// <summary>
/// The Lua scripts of <see cref="RedisCallStore"/>: each runs atomically in Redis, in one round trip. A call is stored as
/// <c>version:json</c> (plain JSON, as releases before versions stored it, reads as version 0); every write (and every drop of ended calls) takes its version from one counter, so the versions
/// of a call only grow, even across its drop and a registration of its id again, and a copy keeps the highest it heard.
/// </summary>
internal static class RedisCallScripts
{
    // Ended calls beyond ARGV[5] leave the calls (KEYS[1]) and the ended calls (KEYS[3]), the oldest first, their ids
    // added to `ids`. Shared by the scripts that end a call.
    private const string TrimEnded = """
        local excess = redis.call('ZCARD', KEYS[3]) - tonumber(ARGV[5])
        if excess > 0 then
            local dropped = redis.call('ZPOPMIN', KEYS[3], excess)
            for i = 1, #dropped, 2 do
                redis.call('HDEL', KEYS[1], dropped[i])
                ids[#ids + 1] = dropped[i]
            end
        end
        """;

    // Tells the other instances (channel ARGV[6]) of `version`: "origin|version|ids" (ARGV[7]: origin; the call, then the
    // ended calls dropped in the same version), then "|json" of the call's new snapshot (ARGV[8]) unless it is '' (too
    // long to carry: the others read it). Published inside the script, so messages go out in the order of the changes.
    private const string Announce = """
        local message = ARGV[7] .. '|' .. version .. '|' .. table.concat(ids, ',')
        if ARGV[8] ~= '' then message = message .. '|' .. ARGV[8] end
        redis.call('PUBLISH', ARGV[6], message)
        """;

    // KEYS: calls, places, ended-early marker, version counter. {0, known} an id already registered; {1, version}
    // registered and announced (ARGV[6-8] as in Announce); {2, end} its end came first; {3} no place under the cap.
    public const string Register = """
        if ARGV[5] ~= '' then redis.call('ZREM', KEYS[2], ARGV[5]) end
        local known = redis.call('HGET', KEYS[1], ARGV[1])
        if known then return {0, known} end
        local ended = redis.call('GET', KEYS[3])
        if ended then redis.call('DEL', KEYS[3]) return {2, ended} end
        redis.call('ZREMRANGEBYSCORE', KEYS[2], '-inf', ARGV[4])
        if redis.call('ZCARD', KEYS[2]) >= tonumber(ARGV[3]) then return {3} end
        local version = redis.call('INCR', KEYS[4])
        redis.call('HSET', KEYS[1], ARGV[1], version .. ':' .. ARGV[2])
        redis.call('ZADD', KEYS[2], '+inf', 'call:' .. ARGV[1])
        local ids = {ARGV[1]}
        """ + "\n" + Announce + "\n" + """
        return {1, version}
        """;

    // KEYS: calls, (unused), ended calls, version counter. A call whose end came first, registered ended (ARGV[3]: its end
    // in ms): {0, known} when registered meanwhile, else {1, version, its id, trimmed ids...}, announced.
    public const string RegisterEnded = """
        local known = redis.call('HGET', KEYS[1], ARGV[1])
        if known then return {0, known} end
        local version = redis.call('INCR', KEYS[4])
        redis.call('HSET', KEYS[1], ARGV[1], version .. ':' .. ARGV[2])
        redis.call('ZADD', KEYS[3], ARGV[3], ARGV[1])
        local ids = {ARGV[1]}
        """ + "\n" + TrimEnded + "\n" + Announce + "\n" + """
        return {1, version, unpack(ids)}
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

    // KEYS: calls, places, ended calls, version counter. The change of a call (ARGV[3], its new JSON), applied only to
    // the version it was computed from (ARGV[2]): {0} no such call; {1, stored} stored at another version (compute the
    // change again from it); {2, version, its id, trimmed ids...} changed and announced (ARGV[6-8] as in Announce). A
    // call that ends (ARGV[4], its end in ms) leaves the places and joins the ended calls, the oldest beyond ARGV[5]
    // dropped in the same version.
    public const string Change = """
        local stored = redis.call('HGET', KEYS[1], ARGV[1])
        if not stored then return {0} end
        local storedVersion = string.sub(stored, 1, 1) == '{' and '0' or string.sub(stored, 1, string.find(stored, ':', 1, true) - 1)
        if storedVersion ~= ARGV[2] then return {1, stored} end
        local version = redis.call('INCR', KEYS[4])
        redis.call('HSET', KEYS[1], ARGV[1], version .. ':' .. ARGV[3])
        local ids = {ARGV[1]}
        if ARGV[4] ~= '' then
            redis.call('ZREM', KEYS[2], 'call:' .. ARGV[1])
            redis.call('ZADD', KEYS[3], ARGV[4], ARGV[1])
        """ + "\n" + TrimEnded + "\n" + """
        end
        """ + "\n" + Announce + "\n" + """
        return {2, version, unpack(ids)}
        """;

    // KEYS: calls, version counter. {stored or nil, counter}: a call absent now was dropped at or before the counter.
    public const string Read = """
        return {redis.call('HGET', KEYS[1], ARGV[1]), tonumber(redis.call('GET', KEYS[2]) or '0')}
        """;

    // KEYS: calls, version counter. {counter, every call as HGETALL gives them}.
    public const string ReadAll = """
        return {tonumber(redis.call('GET', KEYS[2]) or '0'), redis.call('HGETALL', KEYS[1])}
        """;
}

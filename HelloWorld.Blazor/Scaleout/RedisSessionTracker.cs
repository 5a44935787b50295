using HelloWorld.Blazor.Bandwidth.WebRtc;
using HelloWorld.Blazor.Conference;
using StackExchange.Redis;

namespace HelloWorld.Blazor.Scaleout;

/// <summary>
/// The one session of every instance, its id kept in Redis. The first caller anywhere claims the creation (SET NX with
/// an expiry, so a creator that dies frees the claim) and every other caller, on any instance, waits for the id it
/// stores; within an instance, concurrent callers share one such wait.
/// </summary>
public sealed partial class RedisSessionTracker(RedisConnection redis, IWebRtcApi api, ILogger<RedisSessionTracker> logger) : ISessionTracker
{
    private static readonly RedisKey SessionKey = RedisConnection.Key("session");
    private static readonly RedisKey CreatingKey = RedisConnection.Key("session:creating");
    private static readonly TimeSpan ClaimLifetime = TimeSpan.FromSeconds(30);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    // Deletes the key only while it still holds the value the caller knows: a newer session is kept.
    private const string DeleteIfEqualScript = """
        if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end
        return 0
        """;

    private readonly Lock _gate = new();
    private Task<string>? _session;

    public ValueTask<string> GetSessionIdAsync(CancellationToken cancellationToken = default)
    {
        Task<string> session;
        lock (_gate)
        {
            if (_session is null or { IsFaulted: true } or { IsCanceled: true })
            {
                _session = ObtainAsync();
            }
            session = _session;
        }
        return new ValueTask<string>(session.WaitAsync(cancellationToken));
    }

    public async ValueTask<string> ReplaceSessionAsync(string staleSessionId, CancellationToken cancellationToken = default)
    {
        if (await redis.Database.ScriptEvaluateAsync(DeleteIfEqualScript, [SessionKey], [staleSessionId]).ConfigureAwait(false) is { } deleted
            && (long)deleted == 1)
        {
            Log.SessionGone(logger, staleSessionId);
        }
        ForgetLocally(staleSessionId);
        return await GetSessionIdAsync(cancellationToken).ConfigureAwait(false);
    }

    public async ValueTask<string?> FindSessionIdAsync(CancellationToken cancellationToken = default) =>
        await redis.Database.StringGetAsync(SessionKey).ConfigureAwait(false) is { HasValue: true } id ? (string?)id : null;

    public async ValueTask ForgetAsync(string sessionId)
    {
        await redis.Database.ScriptEvaluateAsync(DeleteIfEqualScript, [SessionKey], [sessionId]).ConfigureAwait(false);
        ForgetLocally(sessionId);
    }

    private void ForgetLocally(string sessionId)
    {
        lock (_gate)
        {
            if (_session is { IsCompletedSuccessfully: true } current && current.Result == sessionId)
            {
                _session = null;
            }
        }
    }

    /// <summary>The id in Redis, or the one this instance creates after winning the claim; not tied to any caller's cancellation.</summary>
    private async Task<string> ObtainAsync()
    {
        var db = redis.Database;
        var claim = Guid.NewGuid().ToString("N");
        var waited = TimeSpan.Zero;
        while (true)
        {
            if (await db.StringGetAsync(SessionKey).ConfigureAwait(false) is { HasValue: true } known)
            {
                return known!;
            }
            if (await db.StringSetAsync(CreatingKey, claim, ClaimLifetime, When.NotExists).ConfigureAwait(false))
            {
                try
                {
                    // Looked at again under the claim: a creator that stored its id and released the claim between this
                    // caller's first look and its claim has made the session already.
                    return await db.StringGetAsync(SessionKey).ConfigureAwait(false) is { HasValue: true } created
                        ? (string)created!
                        : await CreateAsync(db).ConfigureAwait(false);
                }
                finally
                {
                    await db.ScriptEvaluateAsync(DeleteIfEqualScript, [CreatingKey], [claim]).ConfigureAwait(false);
                }
            }
            if (waited > ClaimLifetime)
            {
                throw new TimeoutException("Another instance claimed the session's creation and has not finished it.");
            }
            await Task.Delay(PollInterval).ConfigureAwait(false);
            waited += PollInterval;
        }
    }

    private async Task<string> CreateAsync(IDatabase db)
    {
        try
        {
            var session = await api.CreateSessionAsync(new Session(Tag: SessionTracker.SessionTag), CancellationToken.None).ConfigureAwait(false);
            var id = session.Id!;
            await db.StringSetAsync(SessionKey, id).ConfigureAwait(false);
            Log.SessionCreated(logger, id);
            return id;
        }
        catch (Exception exception)
        {
            Log.CreationFailed(logger, exception.Message);
            throw;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6101, Level = LogLevel.Information, Message = "Created the hello-world session {SessionId}, shared through Redis")]
        public static partial void SessionCreated(ILogger logger, string sessionId);

        [LoggerMessage(EventId = 6102, Level = LogLevel.Warning, Message = "Could not create the hello-world session ({Reason}); the next participant tries again")]
        public static partial void CreationFailed(ILogger logger, string reason);

        [LoggerMessage(EventId = 6103, Level = LogLevel.Warning, Message = "Bandwidth no longer knows session {SessionId}; creating a new one")]
        public static partial void SessionGone(ILogger logger, string sessionId);
    }
}

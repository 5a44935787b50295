using HelloWorld.Blazor.Bandwidth.WebRtc;

namespace HelloWorld.Blazor.Conference;

/// <summary>
/// The seed's <c>getSessionId</c>, without its GET before every join: the session id is cached and trusted, and only a
/// 404 from Bandwidth (reported through <see cref="ReplaceSessionAsync"/>) makes a new session.
/// </summary>
public sealed partial class SessionTracker(IWebRtcApi api, ILogger<SessionTracker> logger) : ISessionTracker
{
    public const string SessionTag = "hello-world";

    private readonly Lock _gate = new();

    // The one creation everybody awaits: concurrent first callers share it, and a failed creation is forgotten so the
    // next caller tries again.
    private Task<string>? _session;

    /// <summary>The id of the session this process created, if it has one.</summary>
    public string? CurrentSessionId
    {
        get
        {
            lock (_gate)
            {
                return _session is { IsCompletedSuccessfully: true } session ? session.Result : null;
            }
        }
    }

    public ValueTask<string> GetSessionIdAsync(CancellationToken cancellationToken = default)
    {
        Task<string> session;
        lock (_gate)
        {
            session = _session ??= CreateSessionAsync();
        }
        return AwaitAsync(session, cancellationToken);
    }

    public ValueTask<string> ReplaceSessionAsync(string staleSessionId, CancellationToken cancellationToken = default)
    {
        Task<string> session;
        lock (_gate)
        {
            // Compare and swap: only the first caller to report this id replaces it; the others get the replacement.
            if (_session is { IsCompletedSuccessfully: true } current && current.Result == staleSessionId)
            {
                Log.SessionGone(logger, staleSessionId);
                _session = null;
            }
            session = _session ??= CreateSessionAsync();
        }
        return AwaitAsync(session, cancellationToken);
    }

    /// <summary>Forgets the session without deleting it (after the app deleted it itself).</summary>
    public void Forget(string sessionId)
    {
        lock (_gate)
        {
            if (_session is { IsCompletedSuccessfully: true } current && current.Result == sessionId)
            {
                _session = null;
            }
        }
    }

    private async ValueTask<string> AwaitAsync(Task<string> session, CancellationToken cancellationToken)
    {
        try
        {
            return await session.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch when (session.IsFaulted)
        {
            lock (_gate)
            {
                if (_session == session)
                {
                    _session = null;
                }
            }
            throw;
        }
    }

    private async Task<string> CreateSessionAsync()
    {
        // Not tied to the first caller's cancellation: the creation is shared, and the resilience pipeline bounds it.
        var session = await api.CreateSessionAsync(new Session(Tag: SessionTag), CancellationToken.None).ConfigureAwait(false);
        var id = session.Id!; // the client refuses an answer without one
        Log.SessionCreated(logger, id);
        return id;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Created the hello-world session {SessionId}")]
        public static partial void SessionCreated(ILogger logger, string sessionId);

        [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Bandwidth no longer knows session {SessionId}; creating a new one")]
        public static partial void SessionGone(ILogger logger, string sessionId);
    }
}

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

    // The one creation everybody awaits: concurrent first callers share it. A failed creation removes itself, whether
    // or not anyone is still waiting for it, so the next caller tries again.
    private Task<string>? _session;

    /// <summary>The id of the session this process created, if it has one.</summary>
    public ValueTask<string?> FindSessionIdAsync(CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            return new ValueTask<string?>(_session is { IsCompletedSuccessfully: true } session ? session.Result : null);
        }
    }

    public ValueTask<string> GetSessionIdAsync(CancellationToken cancellationToken = default)
    {
        TaskCompletionSource<string>? creation = null;
        Task<string> session;
        lock (_gate)
        {
            if (_session is null)
            {
                creation = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
                _session = creation.Task;
            }
            session = _session;
        }
        if (creation is not null)
        {
            _ = CreateSessionAsync(creation); // outside the lock: the lock only decides who creates
        }
        return new ValueTask<string>(session.WaitAsync(cancellationToken));
    }

    public ValueTask<string> ReplaceSessionAsync(string staleSessionId, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            // Compare and swap: only the first caller to report this id replaces it; the others get the replacement.
            if (_session is { IsCompletedSuccessfully: true } current && current.Result == staleSessionId)
            {
                Log.SessionGone(logger, staleSessionId);
                _session = null;
            }
        }
        return GetSessionIdAsync(cancellationToken);
    }

    /// <summary>Forgets the session without deleting it (after the app deleted it itself).</summary>
    public ValueTask ForgetAsync(string sessionId)
    {
        lock (_gate)
        {
            if (_session is { IsCompletedSuccessfully: true } current && current.Result == sessionId)
            {
                _session = null;
            }
        }
        return ValueTask.CompletedTask;
    }

    private async Task CreateSessionAsync(TaskCompletionSource<string> creation)
    {
        try
        {
            // Not tied to the first caller's cancellation: the creation is shared, and the resilience pipeline bounds it.
            var session = await api.CreateSessionAsync(new Session(Tag: SessionTag), CancellationToken.None).ConfigureAwait(false);
            var id = session.Id!; // the client refuses an answer without one
            Log.SessionCreated(logger, id);
            creation.SetResult(id);
        }
        catch (Exception exception)
        {
            // Forgotten before anyone hears of the failure, so a caller that retries at once starts a new creation.
            lock (_gate)
            {
                if (_session == creation.Task)
                {
                    _session = null;
                }
            }
            Log.CreationFailed(logger, exception.Message);
            creation.SetException(exception);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2001, Level = LogLevel.Information, Message = "Created the hello-world session {SessionId}")]
        public static partial void SessionCreated(ILogger logger, string sessionId);

        [LoggerMessage(EventId = 2003, Level = LogLevel.Warning, Message = "Could not create the hello-world session ({Reason}); the next participant tries again")]
        public static partial void CreationFailed(ILogger logger, string reason);

        [LoggerMessage(EventId = 2002, Level = LogLevel.Warning, Message = "Bandwidth no longer knows session {SessionId}; creating a new one")]
        public static partial void SessionGone(ILogger logger, string sessionId);
    }
}

using System.Collections.Concurrent;
using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Bandwidth.WebRtc;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Conference;

/// <summary>
/// Creates participants (AUDIO only, device API V3) and puts them in the app's session, and deletes them again.
/// Every participant it creates is tracked until Bandwidth confirms it is gone, so nothing is left behind on failure.
/// </summary>
public sealed partial class ParticipantService(
    IWebRtcApi api, ISessionTracker sessions, TimeProvider timeProvider, IOptions<ParticipantOptions> options, ILogger<ParticipantService> logger)
    : IParticipantService
{
    private readonly ConcurrentDictionary<string, ParticipantInfo> _active = new(StringComparer.Ordinal);

    public IReadOnlyCollection<ParticipantInfo> Active => [.. _active.Values];

    public ParticipantInfo? Find(string participantId) => _active.GetValueOrDefault(participantId);

    public static string TagFor(ParticipantKind kind) => kind switch
    {
        ParticipantKind.Browser => "hello-world-browser",
        ParticipantKind.Phone => "hello-world-phone",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    /// <remarks>
    /// Bounded by <see cref="ParticipantOptions.JoinTimeout"/> as a whole; running out of it is reported as
    /// <see cref="BandwidthUnavailableException"/>, like any other Bandwidth that does not answer in time.
    /// </remarks>
    public async Task<JoinedParticipant> JoinAsync(ParticipantKind kind, CancellationToken cancellationToken = default)
    {
        var joinTimeout = options.Value.JoinTimeout;
        using var deadline = new CancellationTokenSource(joinTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return await JoinWithinAsync(kind, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException exception) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            Log.JoinTimedOut(logger, kind, joinTimeout);
            throw new BandwidthUnavailableException("join", $"timed out after {SettingHelp.Seconds(joinTimeout)}", exception);
        }
    }

    private async Task<JoinedParticipant> JoinWithinAsync(ParticipantKind kind, CancellationToken cancellationToken)
    {
        var created = await api.CreateParticipantAsync(
            new CreateParticipantRequest([PublishPermission.AUDIO], TagFor(kind), DeviceApiVersion.V3), cancellationToken).ConfigureAwait(false);
        var participantId = created.Participant.Id;
        _active[participantId] = new ParticipantInfo(participantId, kind, timeProvider.GetUtcNow());
        try
        {
            var sessionId = await AddToSessionAsync(participantId, cancellationToken).ConfigureAwait(false);
            Log.Joined(logger, participantId, kind, sessionId);
            return new JoinedParticipant(participantId, created.Token, kind, sessionId);
        }
        catch (Exception exception)
        {
            Log.JoinFailed(logger, participantId, exception.Message);
            await DeleteQuietlyAsync(participantId).ConfigureAwait(false);
            throw;
        }
    }

    public async Task LeaveAsync(string participantId, CancellationToken cancellationToken = default)
    {
        try
        {
            await api.DeleteParticipantAsync(participantId, cancellationToken).ConfigureAwait(false);
            Log.Left(logger, participantId);
        }
        catch (BandwidthApiException exception) when (exception.IsNotFound)
        {
            Log.AlreadyGone(logger, participantId);
        }
        // Forgotten only once Bandwidth confirms: a failed delete stays in Active for the shutdown sweep to retry.
        _active.TryRemove(participantId, out _);
    }

    private async Task<string> AddToSessionAsync(string participantId, CancellationToken cancellationToken)
    {
        var sessionId = await sessions.GetSessionIdAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await api.AddParticipantToSessionAsync(sessionId, participantId, new Subscriptions(sessionId), cancellationToken).ConfigureAwait(false);
            return sessionId;
        }
        catch (BandwidthApiException notFound) when (notFound.IsNotFound)
        {
            // A 404 names neither the session nor the participant. Only a session Bandwidth really forgot is replaced:
            // replacing a healthy one would split the conference (later joiners would land in the new session).
            if (!await IsSessionGoneAsync(sessionId, cancellationToken).ConfigureAwait(false))
            {
                throw;
            }
            sessionId = await sessions.ReplaceSessionAsync(sessionId, cancellationToken).ConfigureAwait(false);
            await api.AddParticipantToSessionAsync(sessionId, participantId, new Subscriptions(sessionId), cancellationToken).ConfigureAwait(false);
            return sessionId;
        }
    }

    /// <summary>Asks Bandwidth, on this failure path only, so the steady state stays at two round trips.</summary>
    private async Task<bool> IsSessionGoneAsync(string sessionId, CancellationToken cancellationToken)
    {
        try
        {
            await api.GetSessionAsync(sessionId, cancellationToken).ConfigureAwait(false);
            Log.SessionStillThere(logger, sessionId);
            return false;
        }
        catch (BandwidthApiException exception) when (exception.IsNotFound)
        {
            return true;
        }
    }

    private async Task DeleteQuietlyAsync(string participantId)
    {
        try
        {
            // Not the caller's token: it may be the very cancellation that stopped the join.
            await LeaveAsync(participantId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (BandwidthException exception)
        {
            Log.CleanupFailed(logger, participantId, exception.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2101, Level = LogLevel.Information, Message = "Participant {ParticipantId} ({Kind}) joined session {SessionId}")]
        public static partial void Joined(ILogger logger, string participantId, ParticipantKind kind, string sessionId);

        [LoggerMessage(EventId = 2102, Level = LogLevel.Information, Message = "Participant {ParticipantId} deleted")]
        public static partial void Left(ILogger logger, string participantId);

        [LoggerMessage(EventId = 2103, Level = LogLevel.Debug, Message = "Participant {ParticipantId} was already gone")]
        public static partial void AlreadyGone(ILogger logger, string participantId);

        [LoggerMessage(EventId = 2104, Level = LogLevel.Warning, Message = "Participant {ParticipantId} could not join the session ({Reason}); deleting it")]
        public static partial void JoinFailed(ILogger logger, string participantId, string reason);

        [LoggerMessage(EventId = 2107, Level = LogLevel.Warning, Message = "A {Kind} participant could not join within {JoinTimeout}")]
        public static partial void JoinTimedOut(ILogger logger, ParticipantKind kind, TimeSpan joinTimeout);

        [LoggerMessage(EventId = 2106, Level = LogLevel.Warning, Message = "Adding a participant to session {SessionId} answered 404, but the session is still there: keeping it")]
        public static partial void SessionStillThere(ILogger logger, string sessionId);

        [LoggerMessage(EventId = 2105, Level = LogLevel.Error, Message = "Participant {ParticipantId} could not be deleted ({Reason}); it is retried at shutdown")]
        public static partial void CleanupFailed(ILogger logger, string participantId, string reason);
    }
}

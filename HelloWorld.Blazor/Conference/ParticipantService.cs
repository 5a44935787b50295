using System.Collections.Concurrent;
using System.Net;
using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Bandwidth.WebRtc;
using HelloWorld.Blazor.Security;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Conference;

/// <summary>
/// Creates participants (AUDIO only, device API V3) and puts them in the app's session, and deletes them again.
/// Every participant it creates holds a place in <see cref="SessionCapacity"/>, taken before it is created, and is
/// tracked until Bandwidth confirms it is gone, so nothing is left behind on failure and a full call costs nothing.
/// </summary>
public sealed partial class ParticipantService(
    IWebRtcApi api,
    ISessionTracker sessions,
    SessionCapacity capacity,
    TimeProvider timeProvider,
    IOptions<ParticipantOptions> options,
    ILogger<ParticipantService> logger)
    : IParticipantService
{
    private readonly ConcurrentDictionary<string, ParticipantInfo> _active = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, Holding> _holdings = new(StringComparer.Ordinal);

    public IReadOnlyCollection<ParticipantInfo> Active => [.. _active.Values];

    public ParticipantInfo? Find(string participantId) => _active.GetValueOrDefault(participantId);

    public bool IsHeld(string participantId) => _holdings.TryGetValue(participantId, out var holding) && holding.IsHeld;

    public static string TagFor(ParticipantKind kind) => kind switch
    {
        ParticipantKind.Browser => "hello-world-browser",
        ParticipantKind.Phone => "hello-world-phone",
        _ => throw new ArgumentOutOfRangeException(nameof(kind)),
    };

    public Task<JoinedParticipant> JoinAsync(ParticipantKind kind, CancellationToken cancellationToken = default) =>
        JoinAsync(kind, client: null, cancellationToken);

    public Task<JoinedParticipant> JoinAsync(ParticipantKind kind, ClientAddress client, CancellationToken cancellationToken = default) =>
        JoinAsync(kind, (ClientAddress?)client, cancellationToken);

    /// <remarks>
    /// Bounded by <see cref="ParticipantOptions.JoinTimeout"/> as a whole; running out of it is reported as
    /// <see cref="BandwidthUnavailableException"/>, like any other Bandwidth that does not answer in time.
    /// </remarks>
    private async Task<JoinedParticipant> JoinAsync(ParticipantKind kind, ClientAddress? client, CancellationToken cancellationToken)
    {
        var place = capacity.Reserve(client);
        var joinTimeout = options.Value.JoinTimeout;
        using var deadline = new CancellationTokenSource(joinTimeout, timeProvider);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        try
        {
            return await JoinWithinAsync(kind, place, linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException exception) when (deadline.IsCancellationRequested && !cancellationToken.IsCancellationRequested)
        {
            Log.JoinTimedOut(logger, kind, joinTimeout);
            throw new BandwidthUnavailableException("join", $"timed out after {SettingHelp.Seconds(joinTimeout)}", exception);
        }
    }

    private async Task<JoinedParticipant> JoinWithinAsync(ParticipantKind kind, ParticipantPlace place, CancellationToken cancellationToken)
    {
        CreateParticipantResponse created;
        try
        {
            created = await api.CreateParticipantAsync(
                new CreateParticipantRequest([PublishPermission.AUDIO], TagFor(kind), DeviceApiVersion.V3), cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            place.Free(); // no participant was created that could be in the session
            throw;
        }
        var participantId = created.Participant.Id;
        _holdings[participantId] = new Holding(place);
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
            if (exception is BandwidthApiException { StatusCode: HttpStatusCode.Conflict })
            {
                // Bandwidth's own count is the truth: the session is full whatever the app counted.
                var max = options.Value.MaxPerSession;
                throw ParticipantRefusedException.SessionFull(max, max);
            }
            throw;
        }
    }

    public async Task LeaveAsync(string participantId, CancellationToken cancellationToken = default)
    {
        var holding = _holdings.GetValueOrDefault(participantId);
        holding?.Leave();
        try
        {
            await api.DeleteParticipantAsync(participantId, cancellationToken).ConfigureAwait(false);
            Log.Left(logger, participantId);
        }
        catch (BandwidthApiException exception) when (exception.IsNotFound)
        {
            Log.AlreadyGone(logger, participantId);
        }
        catch
        {
            // Still in Active and still holding its place; nobody holds it any more, so the sweep retries the deletion.
            holding?.Abandon();
            throw;
        }
        // Forgotten only once Bandwidth confirms.
        _active.TryRemove(participantId, out _);
        if (_holdings.TryRemove(participantId, out var removed))
        {
            removed.Place.Free();
        }
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

        [LoggerMessage(EventId = 2105, Level = LogLevel.Error, Message = "Participant {ParticipantId} could not be deleted ({Reason}); the sweep retries it")]
        public static partial void CleanupFailed(ILogger logger, string participantId, string reason);
    }

    /// <summary>
    /// Whether someone (a tab, a call, a <c>/connectionInfo</c> lease) still holds a participant: from its creation until
    /// its deletion starts. A participant whose deletion failed is held by nobody, and still holds its place.
    /// </summary>
    private sealed class Holding(ParticipantPlace place)
    {
        private const int Held = 0, Leaving = 1, Abandoned = 2;
        private int _state = Held;

        public ParticipantPlace Place { get; } = place;

        public bool IsHeld => Volatile.Read(ref _state) != Abandoned;

        public void Leave() => Volatile.Write(ref _state, Leaving);

        public void Abandon() => Volatile.Write(ref _state, Abandoned);
    }
}

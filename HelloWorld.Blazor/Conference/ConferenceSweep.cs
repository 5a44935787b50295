using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Bandwidth.WebRtc;
using HelloWorld.Blazor.Observability;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Conference;

/// <summary>What one sweep found and did.</summary>
public sealed record SweepResult(int InSession, int OrphansDeleted, int CallsEnded, int PlacesReclaimed = 0);

/// <summary>
/// Every <see cref="ParticipantOptions.SweepInterval"/>, compares the app's view of the conference with Bandwidth's:
/// calls Bandwidth ended without telling the app, or whose answer webhook never came, are ended
/// (<see cref="CallReconciler"/>); calls whose participant is no longer in the session are hung up and ended; and the
/// app's participants that nobody holds any more (no tab, call or <c>/connectionInfo</c> lease: a deletion that
/// failed, a participant left in the session by a process that lost track of it) are deleted, found through the
/// session's participant list and the participants the app created. With several instances, every instance sweeps:
/// a participant another live instance holds (its tab, its call), or that a call or a <c>/connectionInfo</c> lease holds,
/// is left alone, and the participants of an instance that died without shutting down are deleted by the survivors, who
/// also free the places it took for participants it never created. Its deletions are drained at shutdown.
/// </summary>
public sealed partial class ConferenceSweep(
    IParticipantService participants,
    IParticipantLedger ledger,
    ISessionTracker sessions,
    IWebRtcApi api,
    ICallStore registry,
    CallReconciler reconciler,
    TimeProvider timeProvider,
    IOptions<ParticipantOptions> options,
    ILogger<ConferenceSweep> logger)
    : BackgroundService, IBackgroundWork
{
    private static readonly HashSet<string> AppTags =
        [ParticipantService.TagFor(ParticipantKind.Browser), ParticipantService.TagFor(ParticipantKind.Phone)];

    private readonly BackgroundTasks _sweeps = new();
    private volatile bool _draining;
    private PeriodicTimer? _timer;

    /// <summary>One sweep; the timer runs it, and tests call it directly.</summary>
    public Task<SweepResult> SweepAsync(CancellationToken cancellationToken = default) =>
        _draining ? Task.FromResult(new SweepResult(0, 0, 0)) : _sweeps.Track(SweepOnceAsync(cancellationToken));

    /// <summary>No sweep starts any more; the one under way (its deletions included) finishes.</summary>
    public Task DrainAsync(CancellationToken cancellationToken)
    {
        _draining = true;
        return _sweeps.DrainAsync(cancellationToken);
    }

    public override Task StartAsync(CancellationToken cancellationToken)
    {
        // Here rather than in ExecuteAsync, which runs later on a pool thread: the first sweep is one interval after start.
        _timer = new PeriodicTimer(options.Value.SweepInterval, timeProvider);
        return base.StartAsync(cancellationToken);
    }

    public override void Dispose()
    {
        _timer?.Dispose();
        base.Dispose();
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var timer = _timer!;
        try
        {
            while (!_draining && await timer.WaitForNextTickAsync(stoppingToken))
            {
                try
                {
                    await SweepAsync(stoppingToken);
                }
                catch (Exception exception) when (exception is not OperationCanceledException)
                {
                    Log.SweepFailed(logger, exception);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task<SweepResult> SweepOnceAsync(CancellationToken cancellationToken)
    {
        var callsEnded = await reconciler.ReconcileAllAsync(cancellationToken).ConfigureAwait(false);
        var placesReclaimed = await ledger.ReclaimAbandonedPlacesAsync().ConfigureAwait(false);
        if (placesReclaimed > 0)
        {
            Log.PlacesReclaimed(logger, placesReclaimed);
        }

        // Taken before the list is asked for: every participant in it was added to the session before the list was made.
        var callsWithParticipants = registry.Calls.Where(call => call is { IsActive: true, ParticipantId: not null }).ToList();
        var listed = await ListSessionAsync(cancellationToken).ConfigureAwait(false);
        if (listed is not null)
        {
            var present = listed.Select(participant => participant.Id).ToHashSet(StringComparer.Ordinal);
            var gone = callsWithParticipants.Where(call => !present.Contains(call.ParticipantId!) && registry.Find(call.CallId) is { IsActive: true }).ToList();
            await Task.WhenAll(gone.Select(reconciler.EndWithoutParticipantAsync)).ConfigureAwait(false);
            callsEnded += gone.Count;
        }

        IEnumerable<string> candidates = participants.Active.Select(participant => participant.Id).Concat(await ledger.AllAsync().ConfigureAwait(false));
        if (listed is not null)
        {
            candidates = candidates.Concat(listed.Where(participant => participant.Tag is { } tag && AppTags.Contains(tag)).Select(participant => participant.Id));
        }
        var orphans = new List<string>();
        foreach (var id in candidates.Distinct(StringComparer.Ordinal).Where(id => !participants.IsHeld(id)))
        {
            if (!await ledger.IsHeldElsewhereAsync(id).ConfigureAwait(false))
            {
                orphans.Add(id);
            }
        }
        var deleted = await Task.WhenAll(orphans.Select(DeleteAsync)).ConfigureAwait(false);

        var result = new SweepResult(listed?.Count ?? 0, deleted.Count(done => done), callsEnded, placesReclaimed);
        AppTelemetry.OrphansSwept(result.OrphansDeleted);
        if (result.OrphansDeleted > 0 || result.CallsEnded > 0 || orphans.Count > 0)
        {
            Log.Swept(logger, result.InSession, orphans.Count, result.OrphansDeleted, result.CallsEnded);
        }
        else
        {
            Log.Clean(logger, result.InSession);
        }
        return result;
    }

    /// <returns><c>null</c> when the list could not be had (Bandwidth did not answer): nothing is judged from it then.</returns>
    private async Task<IReadOnlyList<Participant>?> ListSessionAsync(CancellationToken cancellationToken)
    {
        if (await sessions.FindSessionIdAsync(cancellationToken).ConfigureAwait(false) is not { } sessionId)
        {
            return null;
        }
        try
        {
            return await api.ListSessionParticipantsAsync(sessionId, cancellationToken).ConfigureAwait(false);
        }
        catch (BandwidthApiException exception) when (exception.IsNotFound)
        {
            return []; // the session is gone, and nobody is in it
        }
        catch (BandwidthException exception)
        {
            Log.ListFailed(logger, sessionId, exception.Message);
            return null;
        }
    }

    private async Task<bool> DeleteAsync(string participantId)
    {
        try
        {
            await participants.LeaveAsync(participantId, CancellationToken.None).ConfigureAwait(false);
            return true;
        }
        catch (BandwidthException exception)
        {
            Log.DeleteFailed(logger, participantId, exception.Message);
            return false;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2701, Level = LogLevel.Information,
            Message = "Sweep: {InSession} participant(s) in the session; {Orphans} held by nobody, {Deleted} deleted; {CallsEnded} call(s) ended to match Bandwidth")]
        public static partial void Swept(ILogger logger, int inSession, int orphans, int deleted, int callsEnded);

        [LoggerMessage(EventId = 2702, Level = LogLevel.Debug, Message = "Sweep: {InSession} participant(s) in the session, all held; no call to reconcile")]
        public static partial void Clean(ILogger logger, int inSession);

        [LoggerMessage(EventId = 2703, Level = LogLevel.Warning, Message = "Sweep: could not list the participants of session {SessionId} ({Reason}); only the app's own are checked")]
        public static partial void ListFailed(ILogger logger, string sessionId, string reason);

        [LoggerMessage(EventId = 2704, Level = LogLevel.Warning, Message = "Sweep: could not delete participant {ParticipantId} ({Reason}); the next sweep tries again")]
        public static partial void DeleteFailed(ILogger logger, string participantId, string reason);

        [LoggerMessage(EventId = 2705, Level = LogLevel.Error, Message = "Sweep failed")]
        public static partial void SweepFailed(ILogger logger, Exception exception);

        [LoggerMessage(EventId = 2706, Level = LogLevel.Warning,
            Message = "Sweep: {Places} place(s) in the session freed, taken by instances that died before creating their participant")]
        public static partial void PlacesReclaimed(ILogger logger, int places);
    }
}

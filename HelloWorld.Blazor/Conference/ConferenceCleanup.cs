using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Bandwidth.WebRtc;

namespace HelloWorld.Blazor.Conference;

/// <summary>
/// At shutdown, deletes every participant the app still holds (tabs still open, calls still up, deletions that failed
/// earlier) and the session, so the account is left as the app found it. With several instances only the last one out
/// does that; any other deletes what it alone holds (its tabs' participants, its failed deletions) and leaves the
/// session, the calls and the <c>/connectionInfo</c> leases to the instances that go on serving them. It does so while
/// the server still serves (<see cref="StoppingAsync"/>), because in emulator mode Bandwidth is this very server;
/// <see cref="StopAsync"/> then sweeps only what joined since.
/// </summary>
public sealed partial class ConferenceCleanup(
    IParticipantService participants,
    IParticipantLedger ledger,
    IAppInstances instances,
    IEnumerable<IBackgroundWork> backgroundWork,
    ISessionTracker sessions,
    IWebRtcApi api,
    ILogger<ConferenceCleanup> logger)
    : IHostedLifecycleService
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => StopAsync(cancellationToken);

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(Deadline);
        try
        {
            // Joins that outlived their webhooks put their participant in Active below; deletions under way take theirs
            // out of it, instead of racing the sweep with a second DELETE.
            await Task.WhenAll(backgroundWork.Select(work => work.DrainAsync(deadline.Token)));
        }
        catch (OperationCanceledException)
        {
            Log.StillBusy(logger);
        }
        var last = await LeaveAsync(deadline.Token);
        var remaining = await RemainingAsync(last);
        if (remaining.Count > 0)
        {
            Log.Deleting(logger, remaining.Count);
        }
        await Task.WhenAll(remaining.Select(participantId => DeleteAsync(participantId, deadline.Token)));

        if (!last)
        {
            Log.OthersGoOn(logger);
            return;
        }
        if (await FindSessionAsync(deadline.Token) is { } sessionId)
        {
            try
            {
                await api.DeleteSessionAsync(sessionId, deadline.Token);
                await sessions.ForgetAsync(sessionId);
                Log.SessionDeleted(logger, sessionId);
            }
            catch (Exception exception) when (exception is BandwidthException or OperationCanceledException)
            {
                Log.CouldNotDelete(logger, "session", sessionId, exception.Message);
            }
        }
    }

    /// <summary>Whether this instance is the last one out; if that cannot be known, it is not (the session is never deleted in doubt).</summary>
    private async Task<bool> LeaveAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await instances.LeaveAsync(cancellationToken);
        }
        catch (Exception exception)
        {
            Log.CouldNotLeave(logger, exception.Message);
            return false;
        }
    }

    /// <summary>
    /// The last one out deletes every participant the app holds, those of instances that died before it included; any
    /// other instance keeps the participants calls and leases hold, which the others go on serving.
    /// </summary>
    private async Task<IReadOnlyCollection<string>> RemainingAsync(bool last)
    {
        var mine = participants.Active.Select(participant => participant.Id).ToList();
        try
        {
            if (last)
            {
                return [.. mine.Concat(await ledger.AllAsync()).Distinct(StringComparer.Ordinal)];
            }
            var remaining = new List<string>();
            foreach (var participantId in mine)
            {
                if (!await ledger.OutlivesThisInstanceAsync(participantId))
                {
                    remaining.Add(participantId);
                }
            }
            return remaining;
        }
        catch (Exception exception)
        {
            // The shared ledger cannot be read: what this instance created is all it can know of.
            Log.CouldNotLeave(logger, exception.Message);
            return mine;
        }
    }

    private async Task<string?> FindSessionAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await sessions.FindSessionIdAsync(cancellationToken);
        }
        catch (Exception exception)
        {
            Log.CouldNotLeave(logger, exception.Message);
            return null;
        }
    }

    private async Task DeleteAsync(string participantId, CancellationToken cancellationToken)
    {
        try
        {
            await participants.LeaveAsync(participantId, cancellationToken);
        }
        catch (Exception exception) when (exception is BandwidthException or OperationCanceledException)
        {
            Log.CouldNotDelete(logger, "participant", participantId, exception.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2401, Level = LogLevel.Information, Message = "Shutting down: deleting {Count} participant(s) from Bandwidth")]
        public static partial void Deleting(ILogger logger, int count);

        [LoggerMessage(EventId = 2402, Level = LogLevel.Information, Message = "Shutting down: deleted session {SessionId}")]
        public static partial void SessionDeleted(ILogger logger, string sessionId);

        [LoggerMessage(EventId = 2404, Level = LogLevel.Warning, Message = "Shutting down: background work still running at the deadline; deleting what exists now")]
        public static partial void StillBusy(ILogger logger);

        [LoggerMessage(EventId = 2405, Level = LogLevel.Information,
            Message = "Shutting down: other instances go on serving the conference; its session, calls and leases are left to them")]
        public static partial void OthersGoOn(ILogger logger);

        [LoggerMessage(EventId = 2406, Level = LogLevel.Error,
            Message = "Shutting down: the shared state could not be read ({Reason}); deleting only what this instance created, and not the session")]
        public static partial void CouldNotLeave(ILogger logger, string reason);

        [LoggerMessage(EventId = 2403, Level = LogLevel.Error, Message = "Shutting down: could not delete {What} {Id}: {Reason}")]
        public static partial void CouldNotDelete(ILogger logger, string what, string id, string reason);
    }
}

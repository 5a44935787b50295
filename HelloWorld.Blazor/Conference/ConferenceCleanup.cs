using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Bandwidth.WebRtc;

namespace HelloWorld.Blazor.Conference;

/// <summary>
/// At shutdown, deletes every participant the app still holds (tabs still open, calls still up, deletions that failed
/// earlier) and the session, so the account is left as the app found it. It does so while the server still serves
/// (<see cref="StoppingAsync"/>), because in emulator mode Bandwidth is this very server; <see cref="StopAsync"/> then
/// sweeps only what joined since.
/// </summary>
public sealed partial class ConferenceCleanup(
    IParticipantService participants,
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
        var remaining = participants.Active;
        if (remaining.Count > 0)
        {
            Log.Deleting(logger, remaining.Count);
        }
        await Task.WhenAll(remaining.Select(participant => DeleteAsync(participant.Id, deadline.Token)));

        if (sessions.CurrentSessionId is { } sessionId)
        {
            try
            {
                await api.DeleteSessionAsync(sessionId, deadline.Token);
                sessions.Forget(sessionId);
                Log.SessionDeleted(logger, sessionId);
            }
            catch (Exception exception) when (exception is BandwidthException or OperationCanceledException)
            {
                Log.CouldNotDelete(logger, "session", sessionId, exception.Message);
            }
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

        [LoggerMessage(EventId = 2403, Level = LogLevel.Error, Message = "Shutting down: could not delete {What} {Id}: {Reason}")]
        public static partial void CouldNotDelete(ILogger logger, string what, string id, string reason);
    }
}

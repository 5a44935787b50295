using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Conference;
using Microsoft.Extensions.Options;
using static HelloWorld.Blazor.Bandwidth.SettingHelp;

namespace HelloWorld.Blazor.Api;

/// <summary>The <c>ConnectionInfo</c> section.</summary>
public sealed class ConnectionInfoOptions
{
    public const string SectionName = "ConnectionInfo";

    /// <summary>
    /// How long a participant handed out by <c>GET /connectionInfo</c> lives. Nothing tells the app when such a client
    /// leaves, so without a limit every request would leave a participant at Bandwidth until the app stops.
    /// </summary>
    public TimeSpan ParticipantLifetime { get; set; } = TimeSpan.FromHours(1);
}

public sealed class ConnectionInfoOptionsValidator : IValidateOptions<ConnectionInfoOptions>
{
    private const string Setting = ConnectionInfoOptions.SectionName + ":" + nameof(ConnectionInfoOptions.ParticipantLifetime);

    public ValidateOptionsResult Validate(string? name, ConnectionInfoOptions options) =>
        options.ParticipantLifetime >= TimeSpan.FromMinutes(1) && options.ParticipantLifetime <= TimeSpan.FromDays(1)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail(
                $"{Setting} must be between one minute and one day (it is {options.ParticipantLifetime}). " + HowToSet(Setting, "01:00:00"));
}

/// <summary>
/// The participants <c>GET /connectionInfo</c> hands out: each is deleted once its lifetime is over, and one created
/// for a request that was abandoned meanwhile is deleted at once (nobody holds its token).
/// </summary>
public sealed partial class ConnectionInfoParticipants(
    IParticipantService participants, TimeProvider timeProvider, IOptions<ConnectionInfoOptions> options, ILogger<ConnectionInfoParticipants> logger)
    : IBackgroundWork, IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ITimer> _expiries = new(StringComparer.Ordinal);
    private readonly BackgroundTasks _deletions = new();
    private bool _draining;

    /// <summary>A new browser participant for a client whose request ends when <paramref name="requestAborted"/> fires.</summary>
    public async Task<JoinedParticipant> JoinAsync(CancellationToken requestAborted)
    {
        // Not the request's token: a participant can exist at Bandwidth before its creation is answered, and cancelling
        // then would lose its id. The join has its own deadline (Participants:JoinTimeout).
        var participant = await participants.JoinAsync(ParticipantKind.Browser, CancellationToken.None).ConfigureAwait(false);
        if (requestAborted.IsCancellationRequested)
        {
            Log.Abandoned(logger, participant.Id);
            await DeleteAsync(participant.Id).ConfigureAwait(false);
            requestAborted.ThrowIfCancellationRequested();
        }
        lock (_gate)
        {
            // Once shutdown has begun, its sweep deletes this participant with the others.
            if (!_draining)
            {
                _expiries[participant.Id] = timeProvider.CreateTimer(
                    state => Expire((string)state!), participant.Id, options.Value.ParticipantLifetime, Timeout.InfiniteTimeSpan);
            }
        }
        return participant;
    }

    /// <summary>
    /// Shutdown: no lifetime runs out any more (the sweep deletes those participants), and the deletions under way
    /// finish, so none of them races the sweep with a second DELETE.
    /// </summary>
    public Task DrainAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _draining = true;
            StopTimers();
        }
        return _deletions.DrainAsync(cancellationToken);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            StopTimers();
        }
    }

    private void StopTimers()
    {
        foreach (var timer in _expiries.Values)
        {
            timer.Dispose();
        }
        _expiries.Clear();
    }

    private void Expire(string participantId)
    {
        // Tracked under the lock, so a drain that comes next waits for it; started outside it, as Bandwidth is called.
        var deletion = new Task<Task>(() => DeleteAsync(participantId));
        lock (_gate)
        {
            if (!_expiries.Remove(participantId, out var timer))
            {
                return; // stopped by a drain: the shutdown sweep deletes the participant
            }
            timer.Dispose();
            _deletions.Track(deletion.Unwrap());
        }
        Log.Expired(logger, participantId);
        deletion.RunSynchronously();
    }

    private async Task DeleteAsync(string participantId)
    {
        try
        {
            await participants.LeaveAsync(participantId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (BandwidthException exception)
        {
            // Still tracked by the participant service, so the shutdown sweep tries again.
            Log.DeleteFailed(logger, participantId, exception.Message);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3501, Level = LogLevel.Information, Message = "Participant {ParticipantId} from /connectionInfo reached its lifetime; deleting it")]
        public static partial void Expired(ILogger logger, string participantId);

        [LoggerMessage(EventId = 3502, Level = LogLevel.Information, Message = "The /connectionInfo request for participant {ParticipantId} was abandoned; deleting it")]
        public static partial void Abandoned(ILogger logger, string participantId);

        [LoggerMessage(EventId = 3503, Level = LogLevel.Error, Message = "Could not delete participant {ParticipantId} from /connectionInfo ({Reason}); it is retried at shutdown")]
        public static partial void DeleteFailed(ILogger logger, string participantId, string reason);
    }
}

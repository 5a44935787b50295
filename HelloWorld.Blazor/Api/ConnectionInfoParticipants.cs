using System.Buffers.Text;
using System.Security.Cryptography;
using System.Text;
using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Security;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Api;

/// <summary>A participant handed out by <c>GET /connectionInfo</c>, and the secret that renews or ends its lease.</summary>
public sealed record ConnectionInfoLease(JoinedParticipant Participant, string Secret, DateTimeOffset ExpiresAt);

/// <summary><c>GET /connectionInfo</c> came too often, from this client or from everyone: nothing was created.</summary>
public sealed class ConnectionInfoRateLimitedException(string message, TimeSpan retryAfter) : Exception(message)
{
    public TimeSpan RetryAfter { get; } = retryAfter;
}

/// <summary>
/// The participants <c>GET /connectionInfo</c> hands out, each on a lease: deleted once
/// <see cref="ConnectionInfoOptions.ParticipantLifetime"/> passes without a renewal, or when its client releases it.
/// Bandwidth's WebRTC API says nothing of whether a device is connected, so only the client can say it still uses
/// its participant; it proves it holds it with the lease's secret, which nobody else ever sees. A participant created
/// for a request that was abandoned meanwhile is deleted at once (nobody holds its token).
/// </summary>
public sealed partial class ConnectionInfoParticipants(
    IParticipantService participants,
    SessionCapacity capacity,
    TimeProvider timeProvider,
    IOptions<ConnectionInfoOptions> options,
    ILogger<ConnectionInfoParticipants> logger)
    : IBackgroundWork, IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Lease> _leases = new(StringComparer.Ordinal); // by the secret's digest
    private readonly BackgroundTasks _deletions = new();
    private readonly PerMinuteLimit _limit = new(timeProvider, options.Value.MaxPerMinute, options.Value.MaxPerClientPerMinute);
    private bool _draining;

    /// <summary>
    /// A new browser participant for <paramref name="client"/>, whose request ends when <paramref name="requestAborted"/>
    /// fires. Throws <see cref="ParticipantRefusedException"/> (the session is full, the client holds its share) or
    /// <see cref="ConnectionInfoRateLimitedException"/> before anything is created.
    /// </summary>
    public async Task<ConnectionInfoLease> JoinAsync(ClientAddress client, CancellationToken requestAborted)
    {
        // A request the ceilings refuse spends none of the rate; the join takes the place for real.
        capacity.EnsureRoomFor(client);
        var rate = _limit.TryAcquire(client);
        if (!rate.Admitted)
        {
            throw new ConnectionInfoRateLimitedException(rate.RefusedForTheClient
                ? $"This client asked for {_limit.PerClient} participants in the last minute; try again later."
                : $"The app handed out {_limit.Overall} participants in the last minute; try again later.", rate.RetryAfter);
        }
        // Not the request's token: a participant can exist at Bandwidth before its creation is answered, and cancelling
        // then would lose its id. The join has its own deadline (Participants:JoinTimeout).
        var participant = await participants.JoinAsync(ParticipantKind.Browser, client, CancellationToken.None).ConfigureAwait(false);
        if (requestAborted.IsCancellationRequested)
        {
            Log.Abandoned(logger, participant.Id);
            await DeleteAsync(participant.Id).ConfigureAwait(false);
            requestAborted.ThrowIfCancellationRequested();
        }
        var secret = Base64UrlSecret();
        var lifetime = options.Value.ParticipantLifetime;
        lock (_gate)
        {
            // Once shutdown has begun, its sweep deletes this participant with the others.
            if (!_draining)
            {
                var digest = Digest(secret);
                var timer = timeProvider.CreateTimer(state => Expire((string)state!), digest, lifetime, Timeout.InfiniteTimeSpan);
                _leases[digest] = new Lease(participant.Id, timer);
            }
        }
        return new ConnectionInfoLease(participant, secret, timeProvider.GetUtcNow() + lifetime);
    }

    /// <summary>Starts the lease's lifetime again; <c>null</c> for a secret that holds no participant (ended, expired or invented).</summary>
    public DateTimeOffset? Renew(string secret)
    {
        var lifetime = options.Value.ParticipantLifetime;
        lock (_gate)
        {
            if (!_leases.TryGetValue(Digest(secret), out var lease))
            {
                return null;
            }
            lease.Timer.Change(lifetime, Timeout.InfiniteTimeSpan);
            Log.Renewed(logger, lease.ParticipantId);
            return timeProvider.GetUtcNow() + lifetime;
        }
    }

    /// <summary>Ends the lease and deletes its participant; <c>false</c> for a secret that holds no participant.</summary>
    public async Task<bool> ReleaseAsync(string secret)
    {
        var deletion = Take(Digest(secret), "released by its client");
        if (deletion is null)
        {
            return false;
        }
        await deletion.ConfigureAwait(false);
        return true;
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
        foreach (var lease in _leases.Values)
        {
            lease.Timer.Dispose();
        }
        _leases.Clear();
    }

    private void Expire(string digest) => Take(digest, "reached its lifetime");

    /// <summary>Removes the lease and starts its participant's deletion, tracked for shutdown; <c>null</c> if there was no such lease.</summary>
    private Task? Take(string digest, string why)
    {
        // Tracked under the lock, so a drain that comes next waits for it; started outside it, as Bandwidth is called.
        Task<Task> deletion;
        Task deleted;
        string participantId;
        lock (_gate)
        {
            if (!_leases.Remove(digest, out var lease))
            {
                return null; // released, expired, or stopped by a drain (the shutdown sweep deletes the participant)
            }
            lease.Timer.Dispose();
            participantId = lease.ParticipantId;
            deletion = new Task<Task>(() => DeleteAsync(participantId));
            deleted = _deletions.Track(deletion.Unwrap());
        }
        Log.Ending(logger, participantId, why);
        deletion.RunSynchronously();
        return deleted;
    }

    private async Task DeleteAsync(string participantId)
    {
        try
        {
            await participants.LeaveAsync(participantId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (BandwidthException exception)
        {
            // Held by nobody now, so the sweep tries again.
            Log.DeleteFailed(logger, participantId, exception.Message);
        }
    }

    private static string Base64UrlSecret() => Base64Url.EncodeToString(RandomNumberGenerator.GetBytes(32));

    // Kept by digest, so the secrets themselves live only with their clients.
    private static string Digest(string secret) => Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(secret)));

    private sealed record Lease(string ParticipantId, ITimer Timer);

    private static partial class Log
    {
        [LoggerMessage(EventId = 3501, Level = LogLevel.Information, Message = "Participant {ParticipantId} from /connectionInfo {Why}; deleting it")]
        public static partial void Ending(ILogger logger, string participantId, string why);

        [LoggerMessage(EventId = 3502, Level = LogLevel.Information, Message = "The /connectionInfo request for participant {ParticipantId} was abandoned; deleting it")]
        public static partial void Abandoned(ILogger logger, string participantId);

        [LoggerMessage(EventId = 3503, Level = LogLevel.Error, Message = "Could not delete participant {ParticipantId} from /connectionInfo ({Reason}); the sweep retries it")]
        public static partial void DeleteFailed(ILogger logger, string participantId, string reason);

        [LoggerMessage(EventId = 3505, Level = LogLevel.Debug, Message = "Participant {ParticipantId} from /connectionInfo: lease renewed")]
        public static partial void Renewed(ILogger logger, string participantId);
    }
}

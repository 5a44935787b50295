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
/// for a request that was abandoned meanwhile is deleted at once (nobody holds its token). The leases live in the
/// <see cref="ILeaseStore"/>, so with several instances a renewal or a release may reach any of them; each instance
/// that handed out or renewed a lease watches for its end, and the sweep deletes the participant of a lease nobody watches.
/// </summary>
public sealed partial class ConnectionInfoParticipants(
    IParticipantService participants,
    IParticipantLedger capacity,
    ILeaseStore leases,
    IRateLimits limits,
    TimeProvider timeProvider,
    IOptions<ConnectionInfoOptions> options,
    ILogger<ConnectionInfoParticipants> logger)
    : IBackgroundWork, IDisposable
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, ITimer> _watches = new(StringComparer.Ordinal); // by the secret's digest
    private readonly BackgroundTasks _deletions = new();
    private readonly IPerMinuteLimit _limit = limits.PerMinute("connection-info", options.Value.MaxPerMinute, options.Value.MaxPerClientPerMinute);
    private bool _draining;

    /// <summary>The leases this instance watches now: each is one live participant (for the participants metric).</summary>
    public int LeaseCount
    {
        get
        {
            lock (_gate)
            {
                return _watches.Count;
            }
        }
    }

    /// <summary>
    /// A new browser participant for <paramref name="client"/>, whose request ends when <paramref name="requestAborted"/>
    /// fires. Throws <see cref="ParticipantRefusedException"/> (the session is full, the client holds its share) or
    /// <see cref="ConnectionInfoRateLimitedException"/> before anything is created.
    /// </summary>
    public async Task<ConnectionInfoLease> JoinAsync(ClientAddress client, CancellationToken requestAborted)
    {
        // A request the ceilings refuse spends none of the rate; the join takes the place for real.
        await capacity.EnsureRoomForAsync(client).ConfigureAwait(false);
        var rate = await _limit.TryAcquireAsync(client).ConfigureAwait(false);
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
        var digest = Digest(secret);
        var expiresAt = timeProvider.GetUtcNow() + options.Value.ParticipantLifetime;
        try
        {
            await leases.AddAsync(digest, participant.Id, expiresAt).ConfigureAwait(false);
            await capacity.SetLeaseAsync(participant.Id, expiresAt).ConfigureAwait(false);
        }
        catch
        {
            // Nobody could ever renew or release it: it must not stay behind.
            await DeleteAsync(participant.Id).ConfigureAwait(false);
            throw;
        }
        Watch(digest, options.Value.ParticipantLifetime);
        return new ConnectionInfoLease(participant, secret, expiresAt);
    }

    /// <summary>Starts the lease's lifetime again; <c>null</c> for a secret that holds no participant (ended, expired or invented).</summary>
    public async Task<DateTimeOffset?> RenewAsync(string secret)
    {
        var lifetime = options.Value.ParticipantLifetime;
        var expiresAt = timeProvider.GetUtcNow() + lifetime;
        var digest = Digest(secret);
        if (await leases.RenewAsync(digest, expiresAt).ConfigureAwait(false) is not { } participantId)
        {
            return null;
        }
        await capacity.SetLeaseAsync(participantId, expiresAt).ConfigureAwait(false);
        Watch(digest, lifetime);
        Log.Renewed(logger, participantId);
        return expiresAt;
    }

    /// <summary>Ends the lease and deletes its participant; <c>false</c> for a secret that holds no participant.</summary>
    public async Task<bool> ReleaseAsync(string secret)
    {
        var digest = Digest(secret);
        StopWatching(digest);
        if (await leases.TakeAsync(digest).ConfigureAwait(false) is not { } participantId)
        {
            return false;
        }
        await End(participantId, "released by its client").ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Shutdown: no lifetime runs out here any more (the shutdown sweep, or another instance, deletes those
    /// participants), and the deletions under way finish, so none of them races the sweep with a second DELETE.
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
        foreach (var timer in _watches.Values)
        {
            timer.Dispose();
        }
        _watches.Clear();
    }

    /// <summary>Looks at the lease again once <paramref name="after"/> has passed (a renewal here restarts the wait).</summary>
    private void Watch(string digest, TimeSpan after)
    {
        lock (_gate)
        {
            if (_draining)
            {
                return;
            }
            if (_watches.Remove(digest, out var previous))
            {
                previous.Dispose();
            }
            _watches[digest] = timeProvider.CreateTimer(state => Expire((string)state!), digest, after, Timeout.InfiniteTimeSpan);
        }
    }

    private void StopWatching(string digest)
    {
        lock (_gate)
        {
            if (_watches.Remove(digest, out var timer))
            {
                timer.Dispose();
            }
        }
    }

    /// <summary>The lease's end may have come: it is taken (and its participant deleted) unless a renewal elsewhere moved it.</summary>
    private void Expire(string digest)
    {
        // Tracked at once, so a drain that comes next waits for it.
        var expiry = new Task<Task>(() => ExpireAsync(digest));
        lock (_gate)
        {
            if (_draining || !_watches.Remove(digest, out var timer))
            {
                return; // released, or stopped by a drain (the shutdown sweep deletes the participant)
            }
            timer.Dispose();
            _deletions.Track(expiry.Unwrap());
        }
        expiry.RunSynchronously();
    }

    private async Task ExpireAsync(string digest)
    {
        var now = timeProvider.GetUtcNow();
        try
        {
            var (expired, endsAt) = await leases.TakeIfExpiredAsync(digest, now).ConfigureAwait(false);
            if (expired is not null)
            {
                await End(expired, "reached its lifetime").ConfigureAwait(false);
            }
            else if (endsAt is { } later)
            {
                Watch(digest, later - now);
            }
        }
        catch (Exception exception)
        {
            // The lease store could not be reached: the sweep deletes a participant whose lease has run out.
            Log.ExpiryFailed(logger, exception.Message);
        }
    }

    /// <summary>Deletes the lease's participant, tracked for shutdown.</summary>
    private Task End(string participantId, string why)
    {
        Log.Ending(logger, participantId, why);
        return _deletions.Track(DeleteAsync(participantId));
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

    private static partial class Log
    {
        [LoggerMessage(EventId = 3501, Level = LogLevel.Information, Message = "Participant {ParticipantId} from /connectionInfo {Why}; deleting it")]
        public static partial void Ending(ILogger logger, string participantId, string why);

        [LoggerMessage(EventId = 3502, Level = LogLevel.Information, Message = "The /connectionInfo request for participant {ParticipantId} was abandoned; deleting it")]
        public static partial void Abandoned(ILogger logger, string participantId);

        [LoggerMessage(EventId = 3503, Level = LogLevel.Error, Message = "Could not delete participant {ParticipantId} from /connectionInfo ({Reason}); the sweep retries it")]
        public static partial void DeleteFailed(ILogger logger, string participantId, string reason);

        [LoggerMessage(EventId = 3507, Level = LogLevel.Error, Message = "Could not end a /connectionInfo lease whose lifetime ran out ({Reason}); the sweep deletes its participant")]
        public static partial void ExpiryFailed(ILogger logger, string reason);

        [LoggerMessage(EventId = 3505, Level = LogLevel.Debug, Message = "Participant {ParticipantId} from /connectionInfo: lease renewed")]
        public static partial void Renewed(ILogger logger, string participantId);
    }
}

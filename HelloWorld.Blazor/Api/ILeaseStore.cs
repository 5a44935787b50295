namespace HelloWorld.Blazor.Api;

/// <summary>
/// Where the <c>/connectionInfo</c> leases are kept, by the digest of their secret: in this process (<see cref="LeaseStore"/>),
/// or in Redis for every instance when <c>ConnectionStrings:redis</c> is set, so that a client's renewal or release may
/// reach any instance. Each lease ends exactly once, whoever ends it (a release, its lifetime run out).
/// </summary>
public interface ILeaseStore
{
    Task AddAsync(string digest, string participantId, DateTimeOffset expiresAt);

    /// <summary>Moves the lease's end to <paramref name="expiresAt"/>; its participant, or <c>null</c> for no such lease.</summary>
    Task<string?> RenewAsync(string digest, DateTimeOffset expiresAt);

    /// <summary>Ends the lease now; its participant, or <c>null</c> when it had ended already.</summary>
    Task<string?> TakeAsync(string digest);

    /// <summary>
    /// Ends the lease if its end has come by <paramref name="now"/> (its participant is returned to be deleted); otherwise
    /// says when it ends now (a renewal elsewhere moved it), or that it ended already (both <c>null</c>).
    /// </summary>
    Task<(string? Expired, DateTimeOffset? EndsAt)> TakeIfExpiredAsync(string digest, DateTimeOffset now);
}

/// <summary>The leases of one process.</summary>
public sealed class LeaseStore : ILeaseStore
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (string ParticipantId, DateTimeOffset ExpiresAt)> _leases = new(StringComparer.Ordinal);

    public Task AddAsync(string digest, string participantId, DateTimeOffset expiresAt)
    {
        lock (_gate)
        {
            _leases[digest] = (participantId, expiresAt);
        }
        return Task.CompletedTask;
    }

    public Task<string?> RenewAsync(string digest, DateTimeOffset expiresAt)
    {
        lock (_gate)
        {
            if (!_leases.TryGetValue(digest, out var lease))
            {
                return Task.FromResult<string?>(null);
            }
            _leases[digest] = lease with { ExpiresAt = expiresAt };
            return Task.FromResult<string?>(lease.ParticipantId);
        }
    }

    public Task<string?> TakeAsync(string digest)
    {
        lock (_gate)
        {
            return Task.FromResult(_leases.Remove(digest, out var lease) ? lease.ParticipantId : null);
        }
    }

    public Task<(string? Expired, DateTimeOffset? EndsAt)> TakeIfExpiredAsync(string digest, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (!_leases.TryGetValue(digest, out var lease))
            {
                return Task.FromResult<(string?, DateTimeOffset?)>((null, null));
            }
            if (lease.ExpiresAt > now)
            {
                return Task.FromResult<(string?, DateTimeOffset?)>((null, lease.ExpiresAt));
            }
            _leases.Remove(digest);
            return Task.FromResult<(string?, DateTimeOffset?)>((lease.ParticipantId, null));
        }
    }
}

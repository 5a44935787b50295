using System.Collections.Concurrent;

namespace HelloWorld.Blazor.Conference;

/// <summary>
/// The phone participant of every call, in this process: callId → the join (lazy, so repeated webhooks share one), taken
/// out exactly once by whoever ends the call. The store of one instance; Redis shares it between instances instead.
/// </summary>
public sealed class CallParticipants : ICallParticipants
{
    private readonly ConcurrentDictionary<string, Lazy<Task<JoinedParticipant>>> _legs = new(StringComparer.Ordinal);

    // createCall requests whose answer (and so the call id) is not processed yet: an answer webhook may overtake it.
    private readonly ConcurrentDictionary<Task, byte> _placing = new();

    public async Task<JoinedParticipant> JoinOnceAsync(string callId, Func<Task<JoinedParticipant>> join, CancellationToken cancellationToken)
    {
        var leg = _legs.GetOrAdd(callId, _ => new Lazy<Task<JoinedParticipant>>(join));
        try
        {
            return await leg.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch when (leg.Value.IsFaulted)
        {
            _legs.TryRemove(new KeyValuePair<string, Lazy<Task<JoinedParticipant>>>(callId, leg));
            throw;
        }
    }

    public Task AddAsync(string callId, JoinedParticipant participant)
    {
        _legs[callId] = new Lazy<Task<JoinedParticipant>>(Task.FromResult(participant));
        return Task.CompletedTask;
    }

    public async Task<JoinedParticipant?> FindAsync(string callId, CancellationToken cancellationToken) =>
        _legs.TryGetValue(callId, out var leg) ? await leg.Value.WaitAsync(cancellationToken).ConfigureAwait(false) : null;

    /// <summary>A join under way is awaited; a join that failed left nothing to delete (its failure was reported to its webhook).</summary>
    public async Task<JoinedParticipant?> TakeAsync(string callId)
    {
        if (!_legs.TryRemove(callId, out var leg))
        {
            return null;
        }
        try
        {
            return await leg.Value.ConfigureAwait(false);
        }
        catch (Exception) when (leg.Value.IsFaulted || leg.Value.IsCanceled)
        {
            return null;
        }
    }

    public Task<IAsyncDisposable> PlacingAsync()
    {
        var placing = new Placing(_placing);
        return Task.FromResult<IAsyncDisposable>(placing);
    }

    public Task WaitForCallsBeingPlacedAsync(CancellationToken cancellationToken) =>
        _placing.IsEmpty ? Task.CompletedTask : Task.WhenAll(_placing.Keys).WaitAsync(cancellationToken);

    private sealed class Placing : IAsyncDisposable
    {
        private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly ConcurrentDictionary<Task, byte> _placing;

        public Placing(ConcurrentDictionary<Task, byte> placing)
        {
            _placing = placing;
            _placing[_done.Task] = 0;
        }

        public ValueTask DisposeAsync()
        {
            _placing.TryRemove(_done.Task, out _);
            _done.TrySetResult();
            return ValueTask.CompletedTask;
        }
    }
}

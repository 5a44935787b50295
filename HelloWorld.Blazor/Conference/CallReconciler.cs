using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Bandwidth.Voice;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Conference;

/// <summary>
/// Asks Bandwidth about calls whose webhooks may never come, so nothing stays "in a call" that is not: a placed call with
/// no answer webhook by <see cref="AnswerDeadline"/> (Bandwidth could not reach the app, a tunnel died) is looked up
/// and ended, and hung up if Bandwidth still has it; a call Bandwidth reports disconnected is ended with its cause; a
/// call whose participant left the session is hung up and ended. Ending a call deletes its participant
/// (<see cref="ICallLegs"/>) and frees its number and place.
/// </summary>
public sealed partial class CallReconciler(
    CallRegistry registry,
    ICallLegs legs,
    IVoiceApi voice,
    TimeProvider timeProvider,
    IOptions<PhoneCallOptions> options,
    ILogger<CallReconciler> logger)
    : IBackgroundWork, IDisposable
{
    /// <summary>How long Bandwidth waits for a webhook's answer (voice.yml's <c>callbackTimeout</c>, 15 s by default).</summary>
    public static readonly TimeSpan WebhookDeadline = TimeSpan.FromSeconds(15);

    private readonly Lock _gate = new();
    private readonly Dictionary<string, ITimer> _watches = new(StringComparer.Ordinal);
    private readonly BackgroundTasks _work = new();
    private bool _draining;

    /// <summary>By then a placed call has been answered (and its answer webhook delivered) or it never will be.</summary>
    public TimeSpan AnswerDeadline => TimeSpan.FromSeconds(options.Value.RingTimeoutSeconds) + WebhookDeadline;

    /// <summary>Looks <paramref name="call"/> up once <see cref="AnswerDeadline"/> has passed, unless it was answered or ended by then.</summary>
    public void Watch(PhoneCall call)
    {
        lock (_gate)
        {
            if (_draining || !call.IsActive || _watches.ContainsKey(call.CallId))
            {
                return;
            }
            _watches[call.CallId] = timeProvider.CreateTimer(
                state => Due((string)state!), call.CallId, AnswerDeadline, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>
    /// The sweep's part: every placed call still ringing past its deadline (a lookup that failed before is retried),
    /// and every call Bandwidth may have ended without telling the app. Returns how many calls it ended.
    /// </summary>
    public async Task<int> ReconcileAllAsync(CancellationToken cancellationToken)
    {
        var due = timeProvider.GetUtcNow() - AnswerDeadline;
        var calls = registry.Calls.Where(call => call.IsActive && call.StartedAt <= due).ToList();
        var ended = await Task.WhenAll(calls.Select(call => _work.Track(ReconcileAsync(call.CallId, cancellationToken))));
        return ended.Count(wasEnded => wasEnded);
    }

    /// <summary>Hangs up and ends a call whose participant Bandwidth no longer has in the session: the phone hears nobody.</summary>
    public Task EndWithoutParticipantAsync(PhoneCall call) => _work.Track(EndAsync(call.CallId, "its participant left the session", hangUp: true));

    public Task DrainAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            _draining = true;
            StopWatches();
        }
        return _work.DrainAsync(cancellationToken);
    }

    public void Dispose()
    {
        lock (_gate)
        {
            StopWatches();
        }
    }

    private void StopWatches()
    {
        foreach (var timer in _watches.Values)
        {
            timer.Dispose();
        }
        _watches.Clear();
    }

    private void Due(string callId)
    {
        var lookup = new Task<Task<bool>>(() => ReconcileAsync(callId, CancellationToken.None));
        lock (_gate)
        {
            if (!_watches.Remove(callId, out var timer))
            {
                return; // stopped by a drain
            }
            timer.Dispose();
            _work.Track(lookup.Unwrap());
        }
        lookup.RunSynchronously();
    }

    /// <returns>Whether the call was ended.</returns>
    private async Task<bool> ReconcileAsync(string callId, CancellationToken cancellationToken)
    {
        if (registry.Find(callId) is not { IsActive: true } call)
        {
            return false;
        }
        CallStateInformation? state;
        try
        {
            state = await voice.GetCallAsync(callId, cancellationToken).ConfigureAwait(false);
        }
        catch (BandwidthApiException exception) when (exception.IsNotFound)
        {
            state = null;
        }
        catch (Exception exception) when (exception is BandwidthException or OperationCanceledException)
        {
            Log.LookupFailed(logger, callId, exception.Message);
            return false; // the next sweep asks again
        }

        if (state is { IsDisconnected: true })
        {
            return await EndAsync(callId, state.DisconnectCause ?? "disconnected", hangUp: false).ConfigureAwait(false);
        }
        if (call is { Direction: CallDirection.Outbound, State: CallState.Ringing })
        {
            // No answer webhook came in time, so the phone was never brought into the conference, whatever Bandwidth
            // says of the call (or whether it still knows it: a call it does not know is as good as gone).
            return await EndAsync(callId, state is null ? "unknown to Bandwidth" : "no answer webhook", hangUp: true).ConfigureAwait(false);
        }
        // Answered or in the conference, and Bandwidth does not say it ended (a 404 may be its near-realtime lag).
        return false;
    }

    private async Task<bool> EndAsync(string callId, string cause, bool hangUp)
    {
        if (hangUp)
        {
            try
            {
                await voice.UpdateCallAsync(callId, UpdateCallRequest.HangUp, CancellationToken.None).ConfigureAwait(false);
            }
            catch (BandwidthException exception)
            {
                // A 404 is a call already gone; anything else leaves Bandwidth's call to its own timeouts. Either way the
                // app stops counting it as in the conference.
                Log.HangUpFailed(logger, callId, exception.Message);
            }
        }
        if (registry.Find(callId) is not { IsActive: true })
        {
            return false;
        }
        Log.Reconciled(logger, callId, cause);
        await legs.EndCallAsync(callId, cause).ConfigureAwait(false);
        return true;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2601, Level = LogLevel.Warning, Message = "Reconciled call {CallId} with Bandwidth: ended ({Cause})")]
        public static partial void Reconciled(ILogger logger, string callId, string cause);

        [LoggerMessage(EventId = 2602, Level = LogLevel.Warning, Message = "Could not look up call {CallId} ({Reason}); the next sweep tries again")]
        public static partial void LookupFailed(ILogger logger, string callId, string reason);

        [LoggerMessage(EventId = 2603, Level = LogLevel.Information, Message = "Could not hang up call {CallId} while reconciling it ({Reason})")]
        public static partial void HangUpFailed(ILogger logger, string callId, string reason);
    }
}

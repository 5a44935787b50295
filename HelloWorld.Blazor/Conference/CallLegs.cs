using System.Collections.Concurrent;
using HelloWorld.Blazor.Logging;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Conference;

/// <summary>
/// The phone participant of every call: joined for a dial-in (<c>initiate</c>) or a call the app places, handed to the
/// answer webhook, deleted when the call ends.
/// </summary>
/// <remarks>
/// Who deletes a call's participant: whoever takes the call's leg out of <see cref="_legs"/>, so it happens exactly
/// once. A call is registered (or its end recorded) before its participant is joined, and the joiner looks again once
/// the participant exists: an end that came meanwhile is seen either by the disconnect (which finds the leg) or by the
/// joiner (which finds the call ended).
/// </remarks>
public sealed partial class CallLegs(
    IParticipantService participants, CallRegistry registry, IOptions<PhoneCallOptions> options, ILogger<CallLegs> logger)
    : ICallLegs, IBackgroundWork
{
    // callId → the participant that call joins as. Lazy so that duplicated webhooks share one join.
    private readonly ConcurrentDictionary<string, Lazy<Task<JoinedParticipant>>> _legs = new(StringComparer.Ordinal);

    // createCall requests whose answer (and so the call id) is not processed yet: an answer webhook may overtake it.
    private readonly ConcurrentDictionary<Task, byte> _placing = new();

    // Joins and participant deletions still running after the webhook that caused them was answered.
    private readonly BackgroundTasks _work = new();

    public async Task<JoinedParticipant?> AcceptInboundCallAsync(string callId, string from, string to, CancellationToken cancellationToken)
    {
        var maxActiveCalls = options.Value.MaxActiveCalls;
        var call = registry.TryRegister(callId, CallDirection.Inbound, from, to, participantId: null, maxActiveCalls)
            ?? throw PhoneCallRejectedException.TooManyActiveCalls(maxActiveCalls);
        if (!call.IsActive)
        {
            return null;
        }

        JoinedParticipant participant;
        try
        {
            participant = await JoinOnceAsync(callId, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // The caller is told sorry and hung up, so the call is over for the app; a join still running (past the
            // webhook's budget) must not leave its participant behind.
            var full = exception as ParticipantRefusedException;
            registry.MarkEnded(callId, full is null ? "could not join the session" : "the conference is full");
            ReleaseLeg(callId);
            if (full is not null)
            {
                throw PhoneCallRejectedException.ConferenceFull(full);
            }
            throw;
        }

        registry.AttachParticipant(callId, participant.Id);
        if (EndedMeanwhile(callId))
        {
            return null;
        }
        // Bandwidth answers an inbound call to carry out the Transfer the app is about to return; it reports the transfer's
        // outcome later (TransferAnswered, TransferFailed).
        registry.MarkAnswered(callId, "answered with a transfer");
        registry.MarkJoining(callId);
        return participant;
    }

    public async Task<JoinedParticipant?> AnswerOutboundCallAsync(string callId, CancellationToken cancellationToken)
    {
        var call = registry.Find(callId);
        if (call is null && !_placing.IsEmpty)
        {
            // The answer webhook can overtake createCall's own answer: look again once the calls being placed are known.
            await Task.WhenAll(_placing.Keys).WaitAsync(cancellationToken).ConfigureAwait(false);
            call = registry.Find(callId);
        }
        if (call is null || !call.IsActive || !_legs.TryGetValue(callId, out var leg))
        {
            return null;
        }
        var participant = await leg.Value.WaitAsync(cancellationToken).ConfigureAwait(false);
        registry.MarkAnswered(callId);
        registry.MarkJoining(callId);
        return participant;
    }

    public async Task<PhoneCall> PlaceOutboundCallAsync(
        string from, string to, CallReservation reservation, Func<Task<string>> createCall, CancellationToken cancellationToken)
    {
        var participant = await participants.JoinAsync(ParticipantKind.Phone, cancellationToken).ConfigureAwait(false);

        var placing = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _placing[placing.Task] = 0;
        try
        {
            string callId;
            try
            {
                callId = await createCall().ConfigureAwait(false);
            }
            catch (Exception exception)
            {
                await LeaveAfterFailedCallAsync(participant.Id, exception).ConfigureAwait(false);
                throw;
            }

            _legs[callId] = new Lazy<Task<JoinedParticipant>>(Task.FromResult(participant));
            var call = registry.Register(callId, CallDirection.Outbound, from, to, participant.Id, reservation);
            Log.CallPlaced(logger, callId, participant.Id);
            EndedMeanwhile(callId);
            return registry.Find(callId) ?? call;
        }
        finally
        {
            _placing.TryRemove(placing.Task, out _);
            placing.TrySetResult();
        }
    }

    public PhoneCall? TransferAnswered(string callId)
    {
        if (registry.MarkTransferred(callId) is { } joined)
        {
            Log.Joined(logger, callId);
            return joined;
        }
        return registry.Find(callId);
    }

    public void TransferFailed(string callId, string failure)
    {
        if (registry.MarkTransferFailed(callId, failure) is { } ended)
        {
            Log.TransferFailed(logger, callId, LogText.Escape(ended.EndCause));
        }
        ReleaseLeg(callId);
    }

    public void EndCall(string callId, string? cause) => _ = EndCallAsync(callId, cause);

    public async Task EndCallAsync(string callId, string? cause)
    {
        if (registry.MarkEnded(callId, cause) is not null)
        {
            Log.CallEnded(logger, callId, LogText.Escape(cause ?? "unknown"));
        }
        await ReleaseLegAsync(callId).ConfigureAwait(false);
    }

    /// <summary>
    /// Waits for joins that outlived their webhook and for participant deletions, so the shutdown sweep that follows
    /// neither misses a participant still being created nor deletes one a second time.
    /// </summary>
    public Task DrainAsync(CancellationToken cancellationToken) => _work.DrainAsync(cancellationToken);

    /// <summary>Deletes the participant of a call Bandwidth did not place; a failure to do so never hides why the call failed.</summary>
    private async Task LeaveAfterFailedCallAsync(string participantId, Exception callFailure)
    {
        try
        {
            await participants.LeaveAsync(participantId, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception cleanupFailure)
        {
            // The participant stays tracked, so the shutdown sweep retries the deletion.
            Log.CleanupAfterFailedCallFailed(logger, participantId, callFailure.Message, cleanupFailure.Message);
        }
    }

    /// <summary>
    /// After a participant was joined for a call: if the call ended meanwhile, deletes the participant (unless the
    /// disconnect already took the leg to do it) and returns <c>true</c>.
    /// </summary>
    private bool EndedMeanwhile(string callId)
    {
        if (registry.Find(callId) is { IsActive: true })
        {
            return false;
        }
        Log.EndedWhileJoining(logger, callId);
        ReleaseLeg(callId);
        return true;
    }

    private void ReleaseLeg(string callId) => _ = ReleaseLegAsync(callId);

    /// <summary>Takes the call's leg, if still there, and deletes its participant once it exists; tracked for shutdown.</summary>
    private Task ReleaseLegAsync(string callId) =>
        _legs.TryRemove(callId, out var leg) ? _work.Track(DeleteParticipantOfAsync(callId, leg)) : Task.CompletedTask;

    private async Task DeleteParticipantOfAsync(string callId, Lazy<Task<JoinedParticipant>> leg)
    {
        JoinedParticipant participant;
        try
        {
            participant = await leg.Value.ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            Log.NoParticipantToDelete(logger, callId, exception.Message);
            return;
        }
        try
        {
            // Not a request's token: the webhook that ended the call has been answered already.
            await participants.LeaveAsync(participant.Id, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // Nobody awaits this deletion to hear of a failure. The participant stays tracked, so the shutdown sweep
            // retries it.
            Log.CleanupFailed(logger, callId, participant.Id, exception.Message);
        }
    }

    private Task<JoinedParticipant> JoinOnceAsync(string callId, CancellationToken cancellationToken)
    {
        var leg = _legs.GetOrAdd(callId, _ => new Lazy<Task<JoinedParticipant>>(
            // Shared by every copy of the webhook, so it does not follow one request's cancellation.
            () => _work.Track(participants.JoinAsync(ParticipantKind.Phone, CancellationToken.None))));
        return AwaitLegAsync(callId, leg, cancellationToken);
    }

    private async Task<JoinedParticipant> AwaitLegAsync(string callId, Lazy<Task<JoinedParticipant>> leg, CancellationToken cancellationToken)
    {
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

    private static partial class Log
    {
        [LoggerMessage(EventId = 2301, Level = LogLevel.Information, Message = "Placed call {CallId} for participant {ParticipantId}")]
        public static partial void CallPlaced(ILogger logger, string callId, string participantId);

        [LoggerMessage(EventId = 2308, Level = LogLevel.Information, Message = "Call {CallId} joined the session (Bandwidth reported its transfer answered)")]
        public static partial void Joined(ILogger logger, string callId);

        [LoggerMessage(EventId = 2309, Level = LogLevel.Warning, Message = "Call {CallId}: its transfer into the session failed, {Outcome}; deleting its participant")]
        public static partial void TransferFailed(ILogger logger, string callId, string outcome);

        [LoggerMessage(EventId = 2302, Level = LogLevel.Information, Message = "Call {CallId} ended ({Cause})")]
        public static partial void CallEnded(ILogger logger, string callId, string cause);

        [LoggerMessage(EventId = 2304, Level = LogLevel.Debug, Message = "Call {CallId} ended before its participant existed ({Reason})")]
        public static partial void NoParticipantToDelete(ILogger logger, string callId, string reason);

        [LoggerMessage(EventId = 2305, Level = LogLevel.Information, Message = "Call {CallId} ended while its participant was being created; deleting the participant")]
        public static partial void EndedWhileJoining(ILogger logger, string callId);

        [LoggerMessage(EventId = 2306, Level = LogLevel.Error, Message = "Could not delete participant {ParticipantId} of ended call {CallId} ({Reason}); it is retried at shutdown")]
        public static partial void CleanupFailed(ILogger logger, string callId, string participantId, string reason);

        [LoggerMessage(EventId = 2307, Level = LogLevel.Error, Message = "Could not delete participant {ParticipantId} after its call failed ({CallFailure}): {Reason}; it is retried at shutdown")]
        public static partial void CleanupAfterFailedCallFailed(ILogger logger, string participantId, string callFailure, string reason);
    }
}

using HelloWorld.Blazor.Logging;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Conference;

/// <summary>
/// The phone participant of every call: joined for a dial-in (<c>initiate</c>) or a call the app places, handed to the
/// answer webhook, deleted when the call ends, whichever instance of the app each webhook reaches.
/// </summary>
/// <remarks>
/// Who deletes a call's participant: whoever takes it out of <see cref="ICallParticipants"/>, so it happens exactly
/// once. A call is registered (or its end recorded) before its participant is joined, and the joiner looks again once
/// the participant exists: an end that came meanwhile is seen either by the disconnect (which takes the participant) or
/// by the joiner (which finds the call ended, or its participant taken).
/// </remarks>
public sealed partial class CallLegs(
    IParticipantService participants, ICallStore registry, ICallParticipants legs, IOptions<PhoneCallOptions> options, ILogger<CallLegs> logger)
    : ICallLegs, IBackgroundWork
{
    // Joins and participant deletions still running after the webhook that caused them was answered.
    private readonly BackgroundTasks _work = new();

    public async Task<JoinedParticipant?> AcceptInboundCallAsync(string callId, string from, string to, CancellationToken cancellationToken)
    {
        var maxActiveCalls = options.Value.MaxActiveCalls;
        var call = await registry.TryRegisterAsync(callId, CallDirection.Inbound, from, to, participantId: null, maxActiveCalls).ConfigureAwait(false)
            ?? throw PhoneCallRejectedException.TooManyActiveCalls(maxActiveCalls);
        if (!call.IsActive)
        {
            return null;
        }

        JoinedParticipant participant;
        try
        {
            // Shared by every copy of the webhook, so it does not follow one request's cancellation.
            participant = await legs.JoinOnceAsync(callId, () => _work.Track(participants.JoinAsync(ParticipantKind.Phone, CancellationToken.None)),
                cancellationToken).ConfigureAwait(false);
        }
        catch (CallEndedWhileJoiningException ended)
        {
            Log.EndedWhileJoining(logger, callId);
            _ = _work.Track(LeaveAsync(callId, ended.Participant));
            return null;
        }
        catch (Exception exception)
        {
            // The caller is told sorry and hung up, so the call is over for the app; a join still running (past the
            // webhook's budget) must not leave its participant behind.
            var full = exception as ParticipantRefusedException;
            await registry.MarkEndedAsync(callId, full is null ? "could not join the session" : "the conference is full").ConfigureAwait(false);
            ReleaseLeg(callId);
            if (full is not null)
            {
                throw PhoneCallRejectedException.ConferenceFull(full);
            }
            throw;
        }

        await registry.AttachParticipantAsync(callId, participant.Id).ConfigureAwait(false);
        if (await EndedMeanwhileAsync(callId).ConfigureAwait(false))
        {
            return null;
        }
        // Bandwidth answers an inbound call to carry out the Transfer the app is about to return; it reports the transfer's
        // outcome later (TransferAnswered, TransferFailed).
        await registry.MarkAnsweredAsync(callId, "answered with a transfer").ConfigureAwait(false);
        await registry.MarkJoiningAsync(callId).ConfigureAwait(false);
        return participant;
    }

    public async Task<JoinedParticipant?> AnswerOutboundCallAsync(string callId, CancellationToken cancellationToken)
    {
        var call = await registry.GetAsync(callId).ConfigureAwait(false);
        if (call is null)
        {
            // The answer webhook can overtake createCall's own answer: look again once the calls being placed are known.
            await legs.WaitForCallsBeingPlacedAsync(cancellationToken).ConfigureAwait(false);
            call = await registry.GetAsync(callId).ConfigureAwait(false);
        }
        if (call is not { IsActive: true } || await legs.FindAsync(callId, cancellationToken).ConfigureAwait(false) is not { } participant)
        {
            return null;
        }
        await registry.MarkAnsweredAsync(callId).ConfigureAwait(false);
        await registry.MarkJoiningAsync(callId).ConfigureAwait(false);
        return participant;
    }

    public async Task<PhoneCall> PlaceOutboundCallAsync(
        string from, string to, CallReservation reservation, Func<Task<string>> createCall, CancellationToken cancellationToken)
    {
        var participant = await participants.JoinAsync(ParticipantKind.Phone, cancellationToken).ConfigureAwait(false);

        var placing = await legs.PlacingAsync().ConfigureAwait(false);
        await using (placing.ConfigureAwait(false))
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

            await legs.AddAsync(callId, participant).ConfigureAwait(false);
            var call = await registry.RegisterAsync(callId, CallDirection.Outbound, from, to, participant.Id, reservation).ConfigureAwait(false);
            Log.CallPlaced(logger, callId, participant.Id);
            await EndedMeanwhileAsync(callId).ConfigureAwait(false);
            return registry.Find(callId) ?? call;
        }
    }

    public async Task<PhoneCall?> TransferAnsweredAsync(string callId)
    {
        if (await registry.MarkTransferredAsync(callId).ConfigureAwait(false) is { } joined)
        {
            Log.Joined(logger, callId);
            return joined;
        }
        return await registry.GetAsync(callId).ConfigureAwait(false);
    }

    public async Task TransferFailedAsync(string callId, string failure)
    {
        if (await registry.MarkTransferFailedAsync(callId, failure).ConfigureAwait(false) is { } ended)
        {
            Log.TransferFailed(logger, callId, LogText.Escape(ended.EndCause));
        }
        ReleaseLeg(callId);
    }

    public void EndCall(string callId, string? cause) => _ = _work.Track(EndCallAsync(callId, cause));

    public async Task EndCallAsync(string callId, string? cause)
    {
        if (await registry.MarkEndedAsync(callId, cause).ConfigureAwait(false) is not null)
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
    /// disconnect already took it to do so) and returns <c>true</c>.
    /// </summary>
    private async Task<bool> EndedMeanwhileAsync(string callId)
    {
        if (await registry.GetAsync(callId).ConfigureAwait(false) is { IsActive: true })
        {
            return false;
        }
        Log.EndedWhileJoining(logger, callId);
        ReleaseLeg(callId);
        return true;
    }

    private void ReleaseLeg(string callId) => _ = ReleaseLegAsync(callId);

    /// <summary>Takes the call's participant, if still there, and deletes it once it exists; tracked for shutdown.</summary>
    private Task ReleaseLegAsync(string callId) => _work.Track(DeleteParticipantOfAsync(callId));

    private async Task DeleteParticipantOfAsync(string callId)
    {
        JoinedParticipant? participant;
        try
        {
            participant = await legs.TakeAsync(callId).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            Log.NoParticipantToDelete(logger, callId, exception.Message);
            return;
        }
        if (participant is not null)
        {
            await LeaveAsync(callId, participant).ConfigureAwait(false);
        }
    }

    private async Task LeaveAsync(string callId, JoinedParticipant participant)
    {
        try
        {
            // Not a request's token: the webhook that ended the call has been answered already.
            await participants.LeaveAsync(participant.Id, CancellationToken.None).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            // Nobody awaits this deletion to hear of a failure. The participant stays tracked, so the sweep retries it.
            Log.CleanupFailed(logger, callId, participant.Id, exception.Message);
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

        [LoggerMessage(EventId = 2304, Level = LogLevel.Warning, Message = "Call {CallId}: could not take its participant for deletion ({Reason})")]
        public static partial void NoParticipantToDelete(ILogger logger, string callId, string reason);

        [LoggerMessage(EventId = 2305, Level = LogLevel.Information, Message = "Call {CallId} ended while its participant was being created; deleting the participant")]
        public static partial void EndedWhileJoining(ILogger logger, string callId);

        [LoggerMessage(EventId = 2306, Level = LogLevel.Error, Message = "Could not delete participant {ParticipantId} of ended call {CallId} ({Reason}); it is retried at shutdown")]
        public static partial void CleanupFailed(ILogger logger, string callId, string participantId, string reason);

        [LoggerMessage(EventId = 2307, Level = LogLevel.Error, Message = "Could not delete participant {ParticipantId} after its call failed ({CallFailure}): {Reason}; it is retried at shutdown")]
        public static partial void CleanupAfterFailedCallFailed(ILogger logger, string participantId, string callFailure, string reason);
    }
}

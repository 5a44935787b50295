namespace HelloWorld.Blazor.Conference;

/// <summary>
/// Each phone call's leg into the session, as Bandwidth's webhooks (and the calls the app places) drive it: one phone
/// participant per call, however often a webhook is repeated, deleted once the call ends, in whatever order the webhooks
/// and Bandwidth's answers arrive. Not for the page: it places and hangs up calls through <see cref="IPhoneCallService"/>.
/// </summary>
public interface ICallLegs
{
    /// <summary>
    /// initiate: a dial-in joins as a new participant. Idempotent per call id. Returns <c>null</c> when the call ended
    /// before its participant was ready (there is nothing left to transfer); throws <see cref="PhoneCallRejectedException"/>
    /// when the app carries <see cref="PhoneCallOptions.MaxActiveCalls"/> calls already, or when the session is full
    /// (<see cref="PhoneCallRejection.ConferenceFull"/>, whose <see cref="PhoneCallRejectedException.SpokenToCaller"/> the caller hears).
    /// </summary>
    Task<JoinedParticipant?> AcceptInboundCallAsync(string callId, string from, string to, CancellationToken cancellationToken);

    /// <summary>answer: the participant of a call the app placed, once the callee picked up; <c>null</c> for a call the app does not know.</summary>
    Task<JoinedParticipant?> AnswerOutboundCallAsync(string callId, CancellationToken cancellationToken);

    /// <summary>
    /// Joins a phone participant for a call to <paramref name="to"/>, then runs <paramref name="createCall"/> (which asks
    /// Bandwidth to place the call and returns its id) and registers the call in the place <paramref name="reservation"/>
    /// holds. An answer webhook that overtakes createCall's own answer waits for it. If the call cannot be placed, its
    /// participant is deleted again.
    /// </summary>
    Task<PhoneCall> PlaceOutboundCallAsync(
        string from, string to, CallReservation reservation, Func<Task<string>> createCall, CancellationToken cancellationToken);

    /// <summary>
    /// transferAnswer: Bandwidth's leg into the session answered, so the phone is in the call (<see cref="CallState.Transferred"/>).
    /// Returns the call as it is now (ended, if it ended first), or <c>null</c> for a call the app does not know.
    /// </summary>
    PhoneCall? TransferAnswered(string callId);

    /// <summary>
    /// transferComplete or transferDisconnect with a failure (Bandwidth's cause, such as <c>busy</c> or <c>account-limit</c>):
    /// the call ends as "could not join (failure)" (<see cref="PhoneCall.JoinFailure"/>), or "left the session (failure)"
    /// if it had joined, and its participant is deleted in the background. Idempotent.
    /// </summary>
    void TransferFailed(string callId, string failure);

    /// <summary>
    /// disconnect: marks the call ended at once and deletes its participant in the background, so the webhook is answered
    /// without waiting for Bandwidth. Shutdown waits for the deletion (<see cref="IBackgroundWork"/>).
    /// </summary>
    void EndCall(string callId, string? cause);

    /// <summary>As <see cref="EndCall"/>, but completes once the participant is deleted (or could not be).</summary>
    Task EndCallAsync(string callId, string? cause);
}

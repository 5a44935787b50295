namespace HelloWorld.Blazor.Conference;

/// <summary>
/// What each change does to a call, as pure functions of the call and the time: the one set of rules every registry
/// applies, whether it keeps the calls in this process (<see cref="CallRegistry"/>) or shares them through Redis.
/// </summary>
public static class CallChanges
{
    /// <summary>A call just registered: ringing, or ended at once when its end was reported first (<paramref name="endedBefore"/>).</summary>
    public static PhoneCall Registered(
        string callId, CallDirection direction, string from, string to, string? participantId, DateTimeOffset now, CallEvent? endedBefore)
    {
        var ringing = new CallEvent(CallState.Ringing, now, direction == CallDirection.Inbound ? "dialed in" : "calling");
        return endedBefore is { } ended
            ? new PhoneCall(callId, direction, from, to, CallState.Ended, participantId, ended.At, null, ended.At, ended.Detail,
                [ringing with { At = ended.At }, ended])
            : new PhoneCall(callId, direction, from, to, CallState.Ringing, participantId, now, null, null, null, [ringing]);
    }

    /// <summary>The end of a call not registered yet, kept for its registration.</summary>
    public static CallEvent EndedBeforeRegistered(string? cause, DateTimeOffset now) => new(CallState.Ended, now, cause);

    /// <summary>The participant of a call registered before its participant existed; <c>null</c> when nothing changes.</summary>
    public static PhoneCall? WithParticipant(PhoneCall call, string participantId) =>
        call.ParticipantId == participantId ? null : call with { ParticipantId = participantId };

    public static PhoneCall? Answered(PhoneCall call, DateTimeOffset now, string? detail = null) => Advance(call, CallState.Answered, detail, now);

    /// <summary>The Transfer into the session was handed to Bandwidth; it reports how it went.</summary>
    public static PhoneCall? Joining(PhoneCall call, DateTimeOffset now) => Advance(call, CallState.Joining, "joining the session", now);

    public static PhoneCall? Transferred(PhoneCall call, DateTimeOffset now) => Advance(call, CallState.Transferred, "joined the session", now);

    /// <summary>
    /// The call's leg into the session failed with <paramref name="failure"/> (Bandwidth's cause): a phone that had not
    /// joined yet could not join (<see cref="PhoneCall.JoinFailure"/>), one that had joined dropped out. Either way the
    /// call is over for the conference: it ends, and its Bandwidth call is hung up by the BXML the app answers.
    /// </summary>
    public static PhoneCall? TransferFailed(PhoneCall call, string failure, DateTimeOffset now) =>
        call.State < CallState.Transferred
            ? Advance(call with { JoinFailure = failure }, CallState.Ended, $"could not join ({failure})", now)
            : Advance(call, CallState.Ended, $"left the session ({failure})", now);

    public static PhoneCall? Ended(PhoneCall call, string? cause, DateTimeOffset now) => Advance(call, CallState.Ended, cause, now);

    /// <summary>
    /// Moves the call forward; never backward (a late or duplicated webhook cannot revive an ended call) and never to the
    /// state it is in. Returns the new snapshot, or <c>null</c> when nothing changes.
    /// </summary>
    private static PhoneCall? Advance(PhoneCall call, CallState state, string? detail, DateTimeOffset now)
    {
        if (call.State >= state)
        {
            return null;
        }
        return call with
        {
            State = state,
            AnsweredAt = state is CallState.Answered or CallState.Joining or CallState.Transferred ? call.AnsweredAt ?? now : call.AnsweredAt,
            EndedAt = state == CallState.Ended ? now : call.EndedAt,
            EndCause = state == CallState.Ended ? detail : call.EndCause,
            History = [.. call.History, new CallEvent(state, now, detail)],
        };
    }
}

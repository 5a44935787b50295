using System.Collections.Immutable;

namespace HelloWorld.Blazor.Conference;

/// <summary>
/// Every phone call the app knows, as immutable snapshots replaced on each change, with a push to subscribers (the page).
/// Ended calls are kept for the page's call log, up to <see cref="EndedCallsKept"/>.
/// </summary>
public sealed partial class CallRegistry(TimeProvider timeProvider, ILogger<CallRegistry> logger) : ICallRegistry
{
    public const int EndedCallsKept = 50;

    /// <summary>How many "ended before it was registered" markers are kept; the oldest go first.</summary>
    public const int EndMarkersKept = 1000;

    private readonly Lock _gate = new();
    private readonly Dictionary<string, PhoneCall> _calls = new(StringComparer.Ordinal);

    // A disconnect can overtake the registration of its call (a dial-in still joining, a placed call whose createCall
    // answer is still on its way). Its end is kept here, so the registration that follows records an ended call instead
    // of one that rings forever.
    private readonly Dictionary<string, CallEvent> _endedBeforeRegistered = new(StringComparer.Ordinal);
    private readonly Queue<string> _endMarkerOrder = new();
    private int _activeCount;

    // Places held for calls not registered yet (see TryReserve): they count against every cap as active calls do.
    private int _reserved;
    private ImmutableArray<Func<Task>> _subscribers = [];

    /// <summary>Calls not ended yet.</summary>
    public int ActiveCount
    {
        get
        {
            lock (_gate)
            {
                return _activeCount;
            }
        }
    }

    public IReadOnlyList<PhoneCall> Calls
    {
        get
        {
            lock (_gate)
            {
                return [.. _calls.Values.OrderByDescending(call => call.StartedAt)];
            }
        }
    }

    public PhoneCall? Find(string callId)
    {
        lock (_gate)
        {
            return _calls.GetValueOrDefault(callId);
        }
    }

    public PhoneCall? FindByParticipant(string participantId)
    {
        lock (_gate)
        {
            return _calls.Values.Where(call => call.ParticipantId == participantId).MaxBy(call => call.StartedAt);
        }
    }

    public IDisposable Subscribe(Func<Task> onChanged)
    {
        ImmutableInterlocked.Update(ref _subscribers, list => list.Add(onChanged));
        return new Subscription(() => ImmutableInterlocked.Update(ref _subscribers, list => list.Remove(onChanged)));
    }

    /// <summary>
    /// Registers a new ringing call; a call id already known is left as it is (webhooks can arrive twice). A call whose
    /// end was reported before it was registered is registered as ended.
    /// </summary>
    public PhoneCall Register(string callId, CallDirection direction, string from, string to, string? participantId) =>
        TryRegister(callId, direction, from, to, participantId, maxActiveCalls: int.MaxValue)!;

    /// <summary>As <see cref="Register(string, CallDirection, string, string, string?)"/>, in the place <paramref name="reservation"/> held for the call (which it takes over).</summary>
    public PhoneCall Register(string callId, CallDirection direction, string from, string to, string? participantId, CallReservation reservation) =>
        TryRegister(callId, direction, from, to, participantId, maxActiveCalls: int.MaxValue, reservation)!;

    /// <summary>
    /// As <see cref="Register(string, CallDirection, string, string, string?)"/>, but returns <c>null</c> instead of registering a new ringing call when
    /// <paramref name="maxActiveCalls"/> calls are active (or reserved) already.
    /// </summary>
    public PhoneCall? TryRegister(string callId, CallDirection direction, string from, string to, string? participantId, int maxActiveCalls) =>
        TryRegister(callId, direction, from, to, participantId, maxActiveCalls, reservation: null);

    /// <summary>
    /// Holds a place for a call that cannot be registered yet (a call being placed has no id until createCall answers),
    /// so that the calls registered meanwhile cannot take it: checking the cap first and registering later would let
    /// concurrent calls pass it. <c>null</c> when <paramref name="maxActiveCalls"/> calls are active or reserved already.
    /// Dispose the reservation when the call fails before it is registered; registering it takes the place over.
    /// </summary>
    public CallReservation? TryReserve(int maxActiveCalls)
    {
        lock (_gate)
        {
            if (_activeCount + _reserved >= maxActiveCalls)
            {
                return null;
            }
            _reserved++;
        }
        return new CallReservation(this);
    }

    private PhoneCall? TryRegister(
        string callId, CallDirection direction, string from, string to, string? participantId, int maxActiveCalls, CallReservation? reservation)
    {
        var now = timeProvider.GetUtcNow();
        PhoneCall call;
        lock (_gate)
        {
            // The reservation is spent whatever happens below: a known or already ended call needs no new place.
            if (reservation is not null && reservation.Spend())
            {
                _reserved--;
            }
            if (_calls.TryGetValue(callId, out var known))
            {
                return known;
            }
            var ringing = new CallEvent(CallState.Ringing, now, direction == CallDirection.Inbound ? "dialed in" : "calling");
            if (_endedBeforeRegistered.Remove(callId, out var ended))
            {
                call = new PhoneCall(callId, direction, from, to, CallState.Ended, participantId, ended.At, null, ended.At, ended.Detail,
                    [ringing with { At = ended.At }, ended]);
            }
            else
            {
                if (_activeCount + _reserved >= maxActiveCalls)
                {
                    return null;
                }
                call = new PhoneCall(callId, direction, from, to, CallState.Ringing, participantId, now, null, null, null, [ringing]);
                _activeCount++;
            }
            _calls[callId] = call;
            TrimEndedCalls();
        }
        Notify();
        return call;
    }

    /// <summary>Records the participant of a call registered before its participant existed.</summary>
    public PhoneCall? AttachParticipant(string callId, string participantId)
    {
        PhoneCall changed;
        lock (_gate)
        {
            if (!_calls.TryGetValue(callId, out var call) || call.ParticipantId == participantId)
            {
                return null;
            }
            changed = call with { ParticipantId = participantId };
            _calls[callId] = changed;
        }
        Notify();
        return changed;
    }

    public PhoneCall? MarkAnswered(string callId, string? detail = null) => Transition(callId, CallState.Answered, detail);

    /// <summary>The Transfer into the session was handed to Bandwidth; it reports how it went (<see cref="MarkTransferred"/>, <see cref="MarkTransferFailed"/>).</summary>
    public PhoneCall? MarkJoining(string callId) => Transition(callId, CallState.Joining, "joining the session");

    public PhoneCall? MarkTransferred(string callId) => Transition(callId, CallState.Transferred, "joined the session");

    /// <summary>
    /// The call's leg into the session failed with <paramref name="failure"/> (Bandwidth's cause): a phone that had not
    /// joined yet could not join (<see cref="PhoneCall.JoinFailure"/>), one that had joined dropped out. Either way the
    /// call is over for the conference: it ends, and its Bandwidth call is hung up by the BXML the app answers.
    /// </summary>
    public PhoneCall? MarkTransferFailed(string callId, string failure) =>
        Transition(callId, CallState.Ended, null, call => call.State < CallState.Transferred
            ? (call with { JoinFailure = failure }, $"could not join ({failure})")
            : (call, $"left the session ({failure})"));

    /// <summary>
    /// Ends the call. For a call not registered (yet), remembers the end so that a later <see cref="Register(string, CallDirection, string, string, string?)"/> honours it;
    /// returns <c>null</c> then, as for a call that had ended already.
    /// </summary>
    public PhoneCall? MarkEnded(string callId, string? cause)
    {
        lock (_gate)
        {
            if (!_calls.ContainsKey(callId))
            {
                if (_endedBeforeRegistered.TryAdd(callId, new CallEvent(CallState.Ended, timeProvider.GetUtcNow(), cause)))
                {
                    _endMarkerOrder.Enqueue(callId);
                    while (_endMarkerOrder.Count > EndMarkersKept)
                    {
                        _endedBeforeRegistered.Remove(_endMarkerOrder.Dequeue());
                    }
                }
                return null;
            }
        }
        return Transition(callId, CallState.Ended, cause);
    }

    /// <summary>
    /// Moves the call forward; never backward (a late or duplicated webhook cannot revive an ended call) and never to the
    /// state it is in. Returns the new snapshot, or <c>null</c> when nothing changed.
    /// </summary>
    /// <param name="amend">Adjusts the call and picks the detail from the state it is leaving, under the same lock.</param>
    private PhoneCall? Transition(string callId, CallState state, string? detail, Func<PhoneCall, (PhoneCall Call, string? Detail)>? amend = null)
    {
        var now = timeProvider.GetUtcNow();
        PhoneCall changed;
        lock (_gate)
        {
            if (!_calls.TryGetValue(callId, out var call) || call.State >= state)
            {
                return null;
            }
            if (amend is not null)
            {
                (call, detail) = amend(call);
            }
            changed = call with
            {
                State = state,
                AnsweredAt = state is CallState.Answered or CallState.Joining or CallState.Transferred ? call.AnsweredAt ?? now : call.AnsweredAt,
                EndedAt = state == CallState.Ended ? now : call.EndedAt,
                EndCause = state == CallState.Ended ? detail : call.EndCause,
                History = [.. call.History, new CallEvent(state, now, detail)],
            };
            _calls[callId] = changed;
            if (state == CallState.Ended)
            {
                _activeCount--;
            }
            TrimEndedCalls();
        }
        Notify();
        return changed;
    }

    private void TrimEndedCalls()
    {
        var ended = _calls.Values.Where(call => call.State == CallState.Ended).OrderByDescending(call => call.EndedAt).Skip(EndedCallsKept);
        foreach (var call in ended.ToList())
        {
            _calls.Remove(call.CallId);
        }
    }

    private void Notify()
    {
        foreach (var subscriber in _subscribers)
        {
            _ = NotifyAsync(subscriber);
        }
    }

    // Each subscriber on its own: a slow or failing page never delays a webhook or the other pages.
    private async Task NotifyAsync(Func<Task> subscriber)
    {
        try
        {
            await Task.Run(subscriber).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            Log.SubscriberFailed(logger, exception);
        }
    }

    internal void Release(CallReservation reservation)
    {
        lock (_gate)
        {
            if (reservation.Spend())
            {
                _reserved--;
            }
        }
    }

    private sealed class Subscription(Action unsubscribe) : IDisposable
    {
        private Action? _unsubscribe = unsubscribe;

        public void Dispose() => Interlocked.Exchange(ref _unsubscribe, null)?.Invoke();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "A call status subscriber failed")]
        public static partial void SubscriberFailed(ILogger logger, Exception exception);
    }
}

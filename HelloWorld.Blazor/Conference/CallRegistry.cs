using System.Collections.Concurrent;

namespace HelloWorld.Blazor.Conference;

/// <summary>
/// Every phone call the app knows, in this process: immutable snapshots replaced on each change (<see cref="CallChanges"/>),
/// with a push to subscribers (the page). Ended calls are kept for the page's call log, up to <see cref="EndedCallsKept"/>.
/// The store of one instance; <c>ConnectionStrings:redis</c> shares the calls between instances instead.
/// </summary>
public sealed class CallRegistry(TimeProvider timeProvider, ILogger<CallRegistry> logger) : ICallStore
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
    private readonly Subscribers _subscribers = new(logger, "call status");
    private int _activeCount;

    // The ended calls, oldest end first: trimming takes from the front instead of scanning and sorting every call.
    private readonly PriorityQueue<string, DateTimeOffset> _endedOldestFirst = new();

    // Places held for calls not registered yet (see TryReserve): they count against every cap as active calls do.
    private int _reserved;

    // Numbers with a call being placed: two clicks on CALL ring the phone once.
    private readonly ConcurrentDictionary<string, byte> _dialing = new(StringComparer.Ordinal);

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

    public IDisposable Subscribe(Func<Task> onChanged) => _subscribers.Subscribe(onChanged);

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
        return new CallReservation(Guid.NewGuid().ToString("N"), Release);
    }

    /// <summary>Records the participant of a call registered before its participant existed.</summary>
    public PhoneCall? AttachParticipant(string callId, string participantId) => Change(callId, call => CallChanges.WithParticipant(call, participantId));

    public PhoneCall? MarkAnswered(string callId, string? detail = null) => Change(callId, call => CallChanges.Answered(call, timeProvider.GetUtcNow(), detail));

    /// <summary>The Transfer into the session was handed to Bandwidth; it reports how it went (<see cref="MarkTransferred"/>, <see cref="MarkTransferFailed"/>).</summary>
    public PhoneCall? MarkJoining(string callId) => Change(callId, call => CallChanges.Joining(call, timeProvider.GetUtcNow()));

    public PhoneCall? MarkTransferred(string callId) => Change(callId, call => CallChanges.Transferred(call, timeProvider.GetUtcNow()));

    /// <inheritdoc cref="CallChanges.TransferFailed"/>
    public PhoneCall? MarkTransferFailed(string callId, string failure) =>
        Change(callId, call => CallChanges.TransferFailed(call, failure, timeProvider.GetUtcNow()));

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
                if (_endedBeforeRegistered.TryAdd(callId, CallChanges.EndedBeforeRegistered(cause, timeProvider.GetUtcNow())))
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
        return Change(callId, call => CallChanges.Ended(call, cause, timeProvider.GetUtcNow()));
    }

    public Task<PhoneCall?> GetAsync(string callId) => Task.FromResult(Find(callId));

    public Task<PhoneCall?> TryRegisterAsync(string callId, CallDirection direction, string from, string to, string? participantId, int maxActiveCalls) =>
        Task.FromResult(TryRegister(callId, direction, from, to, participantId, maxActiveCalls));

    public Task<PhoneCall> RegisterAsync(string callId, CallDirection direction, string from, string to, string? participantId, CallReservation reservation) =>
        Task.FromResult(Register(callId, direction, from, to, participantId, reservation));

    public Task<CallReservation?> TryReserveAsync(int maxActiveCalls) => Task.FromResult(TryReserve(maxActiveCalls));

    public Task<IDisposable?> TryLockNumberAsync(string number) =>
        Task.FromResult<IDisposable?>(_dialing.TryAdd(number, 0) ? new Subscription(() => _dialing.TryRemove(number, out _)) : null);

    public Task<PhoneCall?> AttachParticipantAsync(string callId, string participantId) => Task.FromResult(AttachParticipant(callId, participantId));

    public Task<PhoneCall?> MarkAnsweredAsync(string callId, string? detail = null) => Task.FromResult(MarkAnswered(callId, detail));

    public Task<PhoneCall?> MarkJoiningAsync(string callId) => Task.FromResult(MarkJoining(callId));

    public Task<PhoneCall?> MarkTransferredAsync(string callId) => Task.FromResult(MarkTransferred(callId));

    public Task<PhoneCall?> MarkTransferFailedAsync(string callId, string failure) => Task.FromResult(MarkTransferFailed(callId, failure));

    public Task<PhoneCall?> MarkEndedAsync(string callId, string? cause) => Task.FromResult(MarkEnded(callId, cause));

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
            _endedBeforeRegistered.Remove(callId, out var ended);
            if (ended is null && _activeCount + _reserved >= maxActiveCalls)
            {
                return null;
            }
            call = CallChanges.Registered(callId, direction, from, to, participantId, now, ended);
            if (call.IsActive)
            {
                _activeCount++;
            }
            else
            {
                _endedOldestFirst.Enqueue(callId, call.EndedAt ?? now);
            }
            _calls[callId] = call;
            TrimEndedCalls();
        }
        _subscribers.Notify();
        return call;
    }

    /// <summary>Applies <paramref name="change"/> to the call under the lock; <c>null</c> when the call is unknown or nothing changed.</summary>
    private PhoneCall? Change(string callId, Func<PhoneCall, PhoneCall?> change)
    {
        PhoneCall? changed;
        lock (_gate)
        {
            if (!_calls.TryGetValue(callId, out var call) || (changed = change(call)) is null)
            {
                return null;
            }
            _calls[callId] = changed;
            if (call.IsActive && !changed.IsActive)
            {
                _activeCount--;
                _endedOldestFirst.Enqueue(callId, changed.EndedAt ?? timeProvider.GetUtcNow());
            }
            TrimEndedCalls();
        }
        _subscribers.Notify();
        return changed;
    }

    private void TrimEndedCalls()
    {
        // Every change comes here, under the lock, so it costs a comparison, and a heap step when a call is dropped.
        while (_calls.Count - _activeCount > EndedCallsKept && _endedOldestFirst.TryDequeue(out var oldest, out _))
        {
            _calls.Remove(oldest);
        }
    }

    private void Release(CallReservation reservation)
    {
        lock (_gate)
        {
            _reserved--;
        }
    }
}

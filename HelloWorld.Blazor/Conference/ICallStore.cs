namespace HelloWorld.Blazor.Conference;

/// <summary>
/// The registry's write side, shared by every instance of the app: <see cref="CallRegistry"/> in one process,
/// <c>RedisCallRegistry</c> when <c>ConnectionStrings:redis</c> is set. Each change is atomic wherever it is kept, moves a
/// call only forward, and reaches every subscriber of <see cref="ICallRegistry.Subscribe"/> on every instance.
/// </summary>
public interface ICallStore : ICallRegistry
{
    /// <summary>
    /// The call as the store holds it now. <see cref="ICallRegistry.Find"/> answers from what this instance has heard,
    /// which another instance's change reaches a moment later; a webhook that must not miss such a change asks here.
    /// </summary>
    Task<PhoneCall?> GetAsync(string callId);

    /// <summary>
    /// Registers a new ringing call, or returns the one known by that id (webhooks can arrive twice); <c>null</c> instead
    /// of a new ringing call when <paramref name="maxActiveCalls"/> calls are active or reserved already. A call whose end
    /// was reported before it was registered is registered as ended.
    /// </summary>
    Task<PhoneCall?> TryRegisterAsync(string callId, CallDirection direction, string from, string to, string? participantId, int maxActiveCalls);

    /// <summary>As <see cref="TryRegisterAsync"/> without a cap, in the place <paramref name="reservation"/> held for the call (which it takes over).</summary>
    Task<PhoneCall> RegisterAsync(string callId, CallDirection direction, string from, string to, string? participantId, CallReservation reservation);

    /// <summary>
    /// Holds a place under <paramref name="maxActiveCalls"/> for a call that has no id yet (see <see cref="CallRegistry.TryReserve"/>);
    /// <c>null</c> when the calls active and reserved fill it.
    /// </summary>
    Task<CallReservation?> TryReserveAsync(int maxActiveCalls);

    /// <summary>
    /// Keeps <paramref name="number"/> from being called twice at once, across instances; <c>null</c> when a call to it is
    /// being placed already. Dispose the result once the call is registered (or failed).
    /// </summary>
    Task<IDisposable?> TryLockNumberAsync(string number);

    Task<PhoneCall?> AttachParticipantAsync(string callId, string participantId);

    Task<PhoneCall?> MarkAnsweredAsync(string callId, string? detail = null);

    Task<PhoneCall?> MarkJoiningAsync(string callId);

    Task<PhoneCall?> MarkTransferredAsync(string callId);

    Task<PhoneCall?> MarkTransferFailedAsync(string callId, string failure);

    /// <summary>Ends the call; for a call not registered yet, remembers the end for its registration and returns <c>null</c>.</summary>
    Task<PhoneCall?> MarkEndedAsync(string callId, string? cause);
}

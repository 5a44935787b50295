using HelloWorld.Blazor.Security;

namespace HelloWorld.Blazor.Conference;

public enum CallDirection
{
    Inbound,
    Outbound,
}

/// <summary>
/// A phone call's life, in the order it can only move forward in: ringing (initiated), answered, joining (the Transfer
/// into the session was returned to Bandwidth), transferred (Bandwidth reported the leg into the session answered: the
/// phone is in the call), ended.
/// </summary>
public enum CallState
{
    Ringing,
    Answered,
    Joining,
    Transferred,
    Ended,
}

/// <summary>One step of a call's history.</summary>
public sealed record CallEvent(CallState State, DateTimeOffset At, string? Detail = null);

/// <summary>A snapshot of one phone call. Immutable: the registry replaces it on every change.</summary>
public sealed record PhoneCall(
    string CallId,
    CallDirection Direction,
    string From,
    string To,
    CallState State,
    string? ParticipantId,
    DateTimeOffset StartedAt,
    DateTimeOffset? AnsweredAt,
    DateTimeOffset? EndedAt,
    string? EndCause,
    IReadOnlyList<CallEvent> History)
{
    /// <summary>
    /// Why the phone could not join the session (Bandwidth's cause, such as <c>busy</c> or <c>account-limit</c>), when its
    /// transfer failed; the call is <see cref="CallState.Ended"/> then. <c>null</c> otherwise.
    /// </summary>
    public string? JoinFailure { get; init; }

    /// <summary>The phone's number: the caller for a dial-in, the callee for a call the app placed.</summary>
    public string RemoteNumber => Direction == CallDirection.Inbound ? From : To;

    public bool IsActive => State != CallState.Ended;
}

/// <summary>The calls the app knows of, for the page. Changes are pushed to subscribers; nobody polls.</summary>
public interface ICallRegistry
{
    /// <summary>A snapshot, newest first.</summary>
    IReadOnlyList<PhoneCall> Calls { get; }

    PhoneCall? Find(string callId);

    PhoneCall? FindByParticipant(string participantId);

    /// <summary>
    /// <paramref name="onChanged"/> runs after every change, off the caller's thread context. Dispose the result to stop.
    /// </summary>
    IDisposable Subscribe(Func<Task> onChanged);
}

/// <summary>
/// What the page (and <c>POST /callPhone</c>) can do with phones: place a call, within <see cref="OutboundCallPolicy"/>,
/// and hang one up. What Bandwidth's webhooks do is <see cref="ICallLegs"/>.
/// </summary>
public interface IPhoneCallService
{
    /// <summary>The numbers the page may dial: the configured outbound number first, then the allow-list.</summary>
    IReadOnlyList<string> DialableNumbers { get; }

    /// <summary>
    /// Calls <paramref name="number"/> (the configured outbound number when <c>null</c>) and brings it into the session once answered.
    /// Throws <see cref="PhoneCallRejectedException"/> when the number is not dialable, <paramref name="client"/> or
    /// everyone together call too often (<see cref="PhoneCallOptions"/>), or the conference is full.
    /// </summary>
    Task<PhoneCall> CallAsync(string? number, ClientAddress client, CancellationToken cancellationToken = default);

    /// <summary>
    /// As <see cref="CallAsync(string?, ClientAddress, CancellationToken)"/> for a caller the app cannot tell apart from
    /// others: every such caller shares the per-client limit of <see cref="ClientAddress.Unknown"/>.
    /// </summary>
    Task<PhoneCall> CallAsync(string? number, CancellationToken cancellationToken = default);

    /// <summary>Hangs up (or cancels) the call through the Voice API, whoever placed it: a tab uses <see cref="ITabPhoneCalls"/>.</summary>
    Task HangUpAsync(string callId, CancellationToken cancellationToken = default);
}

public enum PhoneCallRejection
{
    NoOutboundNumberConfigured,
    NumberNotAllowed,
    InvalidNumber,
    AlreadyInProgress,
    RateLimited,

    /// <summary>A setting the call needs is missing; the message names it.</summary>
    NotConfigured,

    /// <summary>The app already carries as many phone calls as <c>PhoneCalls:MaxActiveCalls</c> allows.</summary>
    TooManyActiveCalls,

    /// <summary>The session holds <see cref="ParticipantOptions.MaxPerSession"/> participants already.</summary>
    ConferenceFull,

    /// <summary>A tab asked to hang up a call it did not place.</summary>
    NotYourCall,
}

/// <summary>The app refused to place a call; <see cref="Exception.Message"/> is fit to show a user.</summary>
public sealed class PhoneCallRejectedException(PhoneCallRejection reason, string message, TimeSpan? retryAfter = null)
    : Exception(message)
{
    public PhoneCallRejection Reason { get; } = reason;

    public TimeSpan? RetryAfter { get; } = retryAfter;

    /// <summary>What a phone caller hears before being hung up, when this refusal has its own words (else an apology).</summary>
    public string? SpokenToCaller { get; private init; }

    public const string ConferenceFullSentence = "The conference is full. Please try again later.";

    /// <summary>The session has no place for the call's participant; nothing was created or placed.</summary>
    internal static PhoneCallRejectedException ConferenceFull(ParticipantRefusedException refused) =>
        new(PhoneCallRejection.ConferenceFull, refused.Message) { SpokenToCaller = ConferenceFullSentence };

    /// <summary>The one refusal a dial-in and a placed call share.</summary>
    internal static PhoneCallRejectedException TooManyActiveCalls(int maxActiveCalls) =>
        new(PhoneCallRejection.TooManyActiveCalls, $"The app carries {maxActiveCalls} phone calls already (PhoneCalls:MaxActiveCalls); try again later.");
}

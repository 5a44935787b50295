namespace HelloWorld.Blazor.Bandwidth.Voice;

// The webhook payloads of voice.yml this app handles: initiateCallback, answerCallback, disconnectCallback, and the
// Transfer's transferAnswerCallback, transferCompleteCallback and transferDisconnectCallback.
// Bandwidth adds fields over time, so unknown fields are ignored when binding.

public static class VoiceEventTypes
{
    public const string Initiate = "initiate";
    public const string Answer = "answer";
    public const string Disconnect = "disconnect";
    public const string TransferAnswer = "transferAnswer";
    public const string TransferComplete = "transferComplete";
    public const string TransferDisconnect = "transferDisconnect";
}

/// <summary>What every Voice webhook carries that the app checks before it acts on one.</summary>
public interface IVoiceCallback
{
    string? EventType { get; }

    string? CallId { get; }

    string? From { get; }

    string? To { get; }

    /// <summary>For an event of a Transfer's B-leg: the call that ran the Transfer. Otherwise <c>null</c>.</summary>
    string? ParentCallId => null;

    string? Cause => null;
}

public sealed record InitiateCallback(
    string? EventType,
    DateTimeOffset? EventTime,
    string? AccountId,
    string? ApplicationId,
    string? From,
    string? To,
    string? Direction,
    string? CallId,
    string? CallUrl,
    DateTimeOffset? StartTime) : IVoiceCallback;

public sealed record AnswerCallback(
    string? EventType,
    DateTimeOffset? EventTime,
    string? AccountId,
    string? ApplicationId,
    string? From,
    string? To,
    string? Direction,
    string? CallId,
    string? CallUrl,
    DateTimeOffset? EnqueuedTime,
    DateTimeOffset? StartTime,
    DateTimeOffset? AnswerTime,
    string? Tag) : IVoiceCallback;

public sealed record DisconnectCallback(
    string? EventType,
    DateTimeOffset? EventTime,
    string? AccountId,
    string? ApplicationId,
    string? From,
    string? To,
    string? CallId,
    string? Direction,
    string? CallUrl,
    DateTimeOffset? EnqueuedTime,
    DateTimeOffset? StartTime,
    DateTimeOffset? AnswerTime,
    DateTimeOffset? EndTime,
    string? Cause,
    string? ErrorMessage,
    string? ErrorId,
    string? Tag) : IVoiceCallback;

/// <summary>
/// transferAnswer: the Transfer's B-leg (here the SIP leg into the WebRTC session) answered. Sent to the
/// <c>transferAnswerUrl</c> of the <c>&lt;SipUri&gt;</c>; the BXML it answers runs on the B-leg before it is bridged.
/// <see cref="CallId"/> is the B-leg, <see cref="ParentCallId"/> the call that ran the Transfer (Bandwidth's docs list it;
/// voice.yml's schema omits it).
/// </summary>
public sealed record TransferAnswerCallback(
    string? EventType,
    DateTimeOffset? EventTime,
    string? AccountId,
    string? ApplicationId,
    string? From,
    string? To,
    string? Direction,
    string? CallId,
    string? ParentCallId,
    string? CallUrl,
    DateTimeOffset? StartTime,
    DateTimeOffset? AnswerTime,
    string? Tag,
    string? TransferCallerId,
    string? TransferTo) : IVoiceCallback;

/// <summary>
/// transferComplete: the Transfer's B-leg ended (voice.yml: "when the transferred call (B-leg) completes"), normally or
/// because it failed. Sent to the <c>transferCompleteUrl</c> of the <c>&lt;Transfer&gt;</c>; <see cref="CallId"/> is the
/// call that ran the Transfer, and the BXML the app answers runs on it. (voice.yml lists no <c>parentCallId</c> here; one
/// that comes anyway is read as for the other transfer events.)
/// </summary>
public sealed record TransferCompleteCallback(
    string? EventType,
    DateTimeOffset? EventTime,
    string? AccountId,
    string? ApplicationId,
    string? From,
    string? To,
    string? Direction,
    string? CallId,
    string? ParentCallId,
    string? CallUrl,
    DateTimeOffset? StartTime,
    DateTimeOffset? AnswerTime,
    string? Tag,
    string? TransferCallerId,
    string? TransferTo,
    string? Cause,
    string? ErrorMessage,
    string? ErrorId) : IVoiceCallback;

/// <summary>
/// transferDisconnect: the Transfer's B-leg ended for any reason (never answered, rejected, hung up). Sent to the
/// <c>transferDisconnectUrl</c> of the <c>&lt;SipUri&gt;</c>; <see cref="CallId"/> is the B-leg, <see cref="ParentCallId"/>
/// the call that ran the Transfer. Asynchronous: the answer's body is ignored.
/// </summary>
public sealed record TransferDisconnectCallback(
    string? EventType,
    DateTimeOffset? EventTime,
    string? AccountId,
    string? ApplicationId,
    string? From,
    string? To,
    string? Direction,
    string? CallId,
    string? ParentCallId,
    string? CallUrl,
    DateTimeOffset? StartTime,
    DateTimeOffset? AnswerTime,
    DateTimeOffset? EndTime,
    string? Tag,
    string? TransferCallerId,
    string? TransferTo,
    string? Cause,
    string? ErrorMessage,
    string? ErrorId) : IVoiceCallback;

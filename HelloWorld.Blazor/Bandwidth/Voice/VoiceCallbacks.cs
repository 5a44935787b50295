namespace HelloWorld.Blazor.Bandwidth.Voice;

// The webhook payloads of voice.yml this app handles: initiateCallback, answerCallback, disconnectCallback.
// Bandwidth adds fields over time, so unknown fields are ignored when binding.

public static class VoiceEventTypes
{
    public const string Initiate = "initiate";
    public const string Answer = "answer";
    public const string Disconnect = "disconnect";
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
    DateTimeOffset? StartTime);

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
    string? Tag);

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
    string? Tag);

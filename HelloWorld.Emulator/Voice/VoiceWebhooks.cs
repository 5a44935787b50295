namespace HelloWorld.Emulator.Voice;

// The webhook bodies of voice.yml: initiateCallback, answerCallback, redirectCallback, disconnectCallback, with every field
// the emulator knows.

internal sealed record InitiateWebhook(
    string EventType, DateTimeOffset EventTime, string AccountId, string ApplicationId, string From, string To,
    CallDirection Direction, string CallId, string CallUrl, DateTimeOffset StartTime);

internal sealed record AnswerWebhook(
    string EventType, DateTimeOffset EventTime, string AccountId, string ApplicationId, string From, string To,
    CallDirection Direction, string CallId, string CallUrl, DateTimeOffset? EnqueuedTime, DateTimeOffset StartTime,
    DateTimeOffset? AnswerTime, string? Tag);

internal sealed record DisconnectWebhook(
    string EventType, DateTimeOffset EventTime, string AccountId, string ApplicationId, string From, string To,
    string CallId, CallDirection Direction, string CallUrl, DateTimeOffset? EnqueuedTime, DateTimeOffset StartTime,
    DateTimeOffset? AnswerTime, DateTimeOffset EndTime, string Cause, string? ErrorMessage, string? ErrorId, string? Tag);

internal sealed record RedirectWebhook(
    string EventType, DateTimeOffset EventTime, string AccountId, string ApplicationId, string From, string To,
    CallDirection Direction, string CallId, string CallUrl, DateTimeOffset? EnqueuedTime, DateTimeOffset StartTime,
    DateTimeOffset? AnswerTime, string? Tag);

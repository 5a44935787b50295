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

// A Transfer's webhooks: transferAnswerCallback (with parentCallId, which Bandwidth's webhook page lists and voice.yml
// omits), transferCompleteCallback (about the call that ran the Transfer) and transferDisconnectCallback (about its leg).

internal sealed record TransferAnswerWebhook(
    string EventType, DateTimeOffset EventTime, string AccountId, string ApplicationId, string From, string To,
    CallDirection Direction, string CallId, string ParentCallId, string CallUrl, DateTimeOffset StartTime, DateTimeOffset? AnswerTime,
    string? Tag, string TransferCallerId, string TransferTo);

internal sealed record TransferCompleteWebhook(
    string EventType, DateTimeOffset EventTime, string AccountId, string ApplicationId, string From, string To,
    CallDirection Direction, string CallId, string CallUrl, DateTimeOffset? EnqueuedTime, DateTimeOffset StartTime,
    DateTimeOffset? AnswerTime, string? Tag, string TransferCallerId, string TransferTo, string Cause, string? ErrorMessage, string? ErrorId);

internal sealed record TransferDisconnectWebhook(
    string EventType, DateTimeOffset EventTime, string AccountId, string ApplicationId, string From, string To,
    CallDirection Direction, string CallId, string ParentCallId, string CallUrl, DateTimeOffset StartTime, DateTimeOffset? AnswerTime,
    DateTimeOffset EndTime, string? Tag, string TransferCallerId, string TransferTo, string Cause, string? ErrorMessage, string? ErrorId);

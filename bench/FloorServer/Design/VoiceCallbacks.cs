using System.Text.Json;
using System.Text.Json.Serialization;

namespace FloorServer.Design;

// The app's webhook bodies, copied field for field from HelloWorld.Blazor/Bandwidth/Voice/VoiceCallbacks.cs (the bench
// never references the app), so that MVC binds as much JSON into as many fields as it does for the app.

public sealed record InitiateCallback(
    string? EventType, DateTimeOffset? EventTime, string? AccountId, string? ApplicationId, string? From, string? To,
    string? Direction, string? CallId, string? CallUrl, DateTimeOffset? StartTime);

public sealed record DisconnectCallback(
    string? EventType, DateTimeOffset? EventTime, string? AccountId, string? ApplicationId, string? From, string? To,
    string? CallId, string? Direction, string? CallUrl, DateTimeOffset? EnqueuedTime, DateTimeOffset? StartTime,
    DateTimeOffset? AnswerTime, DateTimeOffset? EndTime, string? Cause, string? ErrorMessage, string? ErrorId, string? Tag);

public sealed record TransferAnswerCallback(
    string? EventType, DateTimeOffset? EventTime, string? AccountId, string? ApplicationId, string? From, string? To,
    string? Direction, string? CallId, string? ParentCallId, string? CallUrl, DateTimeOffset? StartTime,
    DateTimeOffset? AnswerTime, string? Tag, string? TransferCallerId, string? TransferTo);

public sealed record TransferCompleteCallback(
    string? EventType, DateTimeOffset? EventTime, string? AccountId, string? ApplicationId, string? From, string? To,
    string? Direction, string? CallId, string? ParentCallId, string? CallUrl, DateTimeOffset? StartTime,
    DateTimeOffset? AnswerTime, string? Tag, string? TransferCallerId, string? TransferTo, string? Cause,
    string? ErrorMessage, string? ErrorId);

public sealed record TransferDisconnectCallback(
    string? EventType, DateTimeOffset? EventTime, string? AccountId, string? ApplicationId, string? From, string? To,
    string? Direction, string? CallId, string? ParentCallId, string? CallUrl, DateTimeOffset? StartTime,
    DateTimeOffset? AnswerTime, DateTimeOffset? EndTime, string? Tag, string? TransferCallerId, string? TransferTo,
    string? Cause, string? ErrorMessage, string? ErrorId);

/// <summary>As the app's <c>VoiceWebhookJsonContext</c> (HelloWorld.Blazor/Webhooks): generated, first in MVC's resolver chain.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(InitiateCallback))]
[JsonSerializable(typeof(DisconnectCallback))]
[JsonSerializable(typeof(TransferAnswerCallback))]
[JsonSerializable(typeof(TransferCompleteCallback))]
[JsonSerializable(typeof(TransferDisconnectCallback))]
internal sealed partial class DesignWebhookJson : JsonSerializerContext;

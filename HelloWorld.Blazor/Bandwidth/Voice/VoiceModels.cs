using System.Text.Json.Serialization;

namespace HelloWorld.Blazor.Bandwidth.Voice;

// Records named as the schemas of voice.yml (createCall, createCallResponse, updateCall, voiceApiError).

public sealed record CreateCallRequest(
    string To,
    string From,
    string ApplicationId,
    string AnswerUrl,
    string? DisconnectUrl = null,
    string? Username = null,
    string? Password = null,
    string? Tag = null,
    double? CallTimeout = null,
    double? CallbackTimeout = null,
    string? AnswerMethod = "POST",
    string? DisconnectMethod = "POST");

/// <summary>
/// Only <see cref="CallId"/> is required here: it is all the app uses, and Bandwidth adds and drops fields over time. An
/// answer of only <c>{"callId": ...}</c> is a placed call.
/// </summary>
public sealed record CreateCallResponse(
    string CallId,
    string? AccountId = null,
    string? ApplicationId = null,
    string? To = null,
    string? From = null,
    string? CallUrl = null,
    string? AnswerUrl = null,
    string? AnswerMethod = null,
    string? DisconnectUrl = null,
    string? DisconnectMethod = null,
    DateTimeOffset? EnqueuedTime = null,
    double? CallTimeout = null,
    double? CallbackTimeout = null,
    string? Tag = null);

[JsonConverter(typeof(JsonStringEnumConverter<CallStateValue>))]
public enum CallStateValue
{
    [JsonStringEnumMemberName("active")]
    Active,

    [JsonStringEnumMemberName("completed")]
    Completed,
}

public sealed record UpdateCallRequest(CallStateValue? State = null, string? RedirectUrl = null, string? Tag = null)
{
    public static UpdateCallRequest HangUp { get; } = new(CallStateValue.Completed);
}

/// <summary>
/// voice.yml's <c>callState</c> (named apart from the app's own <c>Conference.CallState</c>). Every field is optional
/// and <see cref="State"/> is a string: Bandwidth says more states may come, and the app must tolerate them.
/// </summary>
public sealed record CallStateInformation(
    string? CallId = null,
    string? State = null,
    string? Direction = null,
    string? From = null,
    string? To = null,
    DateTimeOffset? StartTime = null,
    DateTimeOffset? AnswerTime = null,
    DateTimeOffset? EndTime = null,
    string? DisconnectCause = null,
    string? ErrorMessage = null)
{
    /// <summary>The call is over at Bandwidth (<c>state: disconnected</c>).</summary>
    public bool IsDisconnected => string.Equals(State, "disconnected", StringComparison.OrdinalIgnoreCase);
}

public sealed record VoiceApiError(string? Type, string? Description, string? Id);

using System.Text.RegularExpressions;
using HelloWorld.Blazor.Bandwidth.Voice;
using HelloWorld.Blazor.Http;
using HelloWorld.Blazor.Logging;
using Microsoft.AspNetCore.Mvc;

namespace HelloWorld.Blazor.Webhooks;

/// <summary>
/// What every Voice webhook controller shares: the checks on the fields the app keeps or acts on, refusals as problem
/// details with a log line, and BXML answers.
/// </summary>
public abstract partial class VoiceWebhookController(ILogger logger) : ControllerBase
{
    public const int MaxBodyBytes = 64 * 1024;

    /// <summary>Bandwidth's call ids are 47 characters (<c>c-15ac29a2-1331029c-2cb0-4a07-b215-b22865662d85</c>).</summary>
    public const int MaxCallIdLength = 64;

    /// <summary>An E.164 number is at most 16 characters; the rest leaves room for Bandwidth's words (<c>Anonymous</c>).</summary>
    public const int MaxNumberLength = 32;

    /// <summary>Event types and causes are single words such as <c>transferDisconnect</c> or <c>node-capacity-exceeded</c>.</summary>
    public const int MaxWordLength = 64;

    /// <summary>
    /// Refuses a webhook whose call ids are missing or not shaped like Bandwidth's, whose numbers or words are longer than
    /// Bandwidth ever sends (a 60 KB <c>from</c> would be kept and shown to every page), or whose event type is not the one
    /// this route takes. <c>null</c> when it is fit to act on.
    /// </summary>
    protected ObjectResult? Invalid(IVoiceCallback callback, string? expectedEventType)
    {
        if (string.IsNullOrWhiteSpace(callback.CallId))
        {
            return Reject("The webhook has no callId.");
        }
        var problem = CallIdProblem("callId", callback.CallId)
            ?? (callback.ParentCallId is { } parent ? CallIdProblem("parentCallId", parent) : null)
            ?? TooLong("from", callback.From, MaxNumberLength)
            ?? TooLong("to", callback.To, MaxNumberLength)
            ?? TooLong("eventType", callback.EventType, MaxWordLength)
            ?? TooLong("cause", callback.Cause, MaxWordLength);
        if (problem is not null)
        {
            return Reject(problem);
        }
        if (expectedEventType is not null && callback.EventType is { } eventType && eventType != expectedEventType)
        {
            return Reject($"This URL takes '{expectedEventType}' events, not '{LogText.Escape(eventType, 40)}'.");
        }
        return null;
    }

    protected ObjectResult Reject(string detail)
    {
        Log.Rejected(logger, LogText.Escape(Request.Path), detail);
        RejectedRequests.MarkLogged(HttpContext);
        return Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid webhook");
    }

    protected ContentResult Xml(string bxml) => Content(bxml, "application/xml; charset=utf-8");

    private static string? CallIdProblem(string field, string callId) =>
        TooLong(field, callId, MaxCallIdLength) ?? (CallIdShape().IsMatch(callId) ? null : $"The {field} is not a Bandwidth call id.");

    private static string? TooLong(string field, string? value, int maxLength) =>
        value is { Length: var length } && length > maxLength
            ? $"The {field} is {length} characters long; Bandwidth's are at most {maxLength}."
            : null;

    // Bandwidth's ids look like c-15ac29a2-1331029c-2cb0-4a07-b215-b22865662d85. \z, not $: $ allows a final newline.
    [GeneratedRegex(@"^[A-Za-z0-9][A-Za-z0-9-]*\z")]
    private static partial Regex CallIdShape();

    private static partial class Log
    {
        [LoggerMessage(EventId = 3104, Level = LogLevel.Warning, Message = "Rejected a Voice webhook to {Path}: {Reason}")]
        public static partial void Rejected(ILogger logger, string path, string reason);
    }
}

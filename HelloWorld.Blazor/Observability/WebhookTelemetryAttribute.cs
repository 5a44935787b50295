using System.Diagnostics;
using HelloWorld.Blazor.Bandwidth.Voice;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Filters;
using Microsoft.AspNetCore.Mvc.Infrastructure;

namespace HelloWorld.Blazor.Observability;

/// <summary>
/// Around every Voice webhook action: an activity named for the event, with the call id (never a token: no field a
/// webhook carries is one), and the webhook's duration by event type and outcome. Ordered before MVC's own filters, so a
/// webhook refused for a malformed body is measured too.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = true)]
public sealed class WebhookTelemetryAttribute : Attribute, IAsyncActionFilter, IOrderedFilter
{
    private const string OutcomeKey = "HelloWorld.WebhookOutcome";

    private static readonly HashSet<string> KnownEventTypes =
    [
        VoiceEventTypes.Initiate, VoiceEventTypes.Answer, VoiceEventTypes.Disconnect,
        VoiceEventTypes.TransferAnswer, VoiceEventTypes.TransferComplete, VoiceEventTypes.TransferDisconnect,
    ];

    public int Order => int.MinValue;

    /// <summary>
    /// Says how the webhook ended when its status does not: a caller refused (<c>refused</c>: the conference is full),
    /// apologised to and hung up (<c>apologised</c>: Bandwidth failed, time ran out; <c>error</c>: a bug) is still
    /// answered 200 with BXML.
    /// </summary>
    public static void SetOutcome(HttpContext context, string outcome) => context.Items[OutcomeKey] = outcome;

    public async Task OnActionExecutionAsync(ActionExecutingContext context, ActionExecutionDelegate next)
    {
        var callback = context.ActionArguments.Values.OfType<IVoiceCallback>().FirstOrDefault();
        // The event type becomes a metric attribute: only Bandwidth's own words, so a sender cannot invent new series.
        var eventType = callback?.EventType is { } type && KnownEventTypes.Contains(type) ? type : "other";
        var callId = callback?.CallId is { Length: > 0 } id ? id[..Math.Min(id.Length, 64)] : null;
        using var activity = AppTelemetry.StartWebhook(eventType, callId);
        var started = Stopwatch.GetTimestamp();
        var outcome = "error"; // unless the action ends
        try
        {
            var executed = await next();
            if (executed.Exception is null || executed.ExceptionHandled)
            {
                outcome = context.HttpContext.Items[OutcomeKey] as string ?? Outcome(executed.Result);
            }
        }
        finally
        {
            activity?.SetTag(AppTelemetry.Tags.WebhookOutcome, outcome);
            if (outcome is "error" or "apologised")
            {
                activity?.SetStatus(ActivityStatusCode.Error, outcome);
            }
            AppTelemetry.WebhookAnswered(eventType, outcome, Stopwatch.GetElapsedTime(started));
        }
    }

    private static string Outcome(IActionResult? result) => result switch
    {
        IStatusCodeActionResult { StatusCode: >= 500 } => "error",
        IStatusCodeActionResult { StatusCode: >= 400 } => "rejected",
        _ => "answered",
    };
}

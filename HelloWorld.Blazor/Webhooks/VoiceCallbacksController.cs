using System.Text.RegularExpressions;
using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Bandwidth.Bxml;
using HelloWorld.Blazor.Bandwidth.Voice;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Http;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Webhooks;

/// <summary>
/// Bandwidth's Voice webhooks, at the paths of the sample. The synchronous ones (initiate, answer) answer BXML within a
/// budget that leaves room before Bandwidth's 15 s deadline: a caller never hears silence, only the conference or an apology.
/// </summary>
[ApiController]
[Authorize(Policy = VoiceWebhookAuthenticationHandler.PolicyName)]
[RequestSizeLimit(MaxBodyBytes)]
[Consumes("application/json")]
public sealed partial class VoiceCallbacksController(
    ICallLegs calls,
    IOptions<BandwidthOptions> bandwidth,
    IOptions<VoiceWebhookOptions> webhookOptions,
    ILogger<VoiceCallbacksController> logger) : ControllerBase
{
    public const int MaxBodyBytes = 64 * 1024;
    public const string ConnectingSentence = "Thank you. Connecting you to your conference now.";
    public const string ApologySentence = "We are sorry, the conference cannot take your call right now. Goodbye.";
    public const string UnknownCallSentence = "We are sorry, we could not find your conference. Goodbye.";

    /// <summary>initiate: someone dialed the app's number. The call joins the session as a new phone participant.</summary>
    [HttpPost("/incomingCall")]
    public async Task<IActionResult> IncomingCallAsync(InitiateCallback callback)
    {
        if (Invalid(callback.CallId, callback.EventType, VoiceEventTypes.Initiate) is { } problem)
        {
            return problem;
        }
        var callId = callback.CallId!;
        Log.Webhook(logger, VoiceEventTypes.Initiate, callId);
        return await WithinBudgetAsync(callId, async cancellationToken =>
        {
            var participant = await calls.AcceptInboundCallAsync(callId, callback.From ?? "", callback.To ?? "", cancellationToken);
            if (participant is null)
            {
                // Its disconnect came first: there is no call left to transfer.
                Log.AlreadyEnded(logger, callId);
                return BxmlResponse.Write(BxmlVerb.Hangup());
            }
            return BxmlResponse.Write(BxmlVerb.TransferToWebRtc(bandwidth.Value.WebRtcTransferSipUri, participant.Token, callId));
        });
    }

    /// <summary>answer: the phone the app called picked up. It hears a sentence and joins the session.</summary>
    [HttpPost("/callAnswered")]
    public async Task<IActionResult> CallAnsweredAsync(AnswerCallback callback)
    {
        if (Invalid(callback.CallId, callback.EventType, VoiceEventTypes.Answer) is { } problem)
        {
            return problem;
        }
        var callId = callback.CallId!;
        Log.Webhook(logger, VoiceEventTypes.Answer, callId);
        return await WithinBudgetAsync(callId, async cancellationToken =>
        {
            var participant = await calls.AnswerOutboundCallAsync(callId, cancellationToken);
            if (participant is null)
            {
                Log.UnknownCall(logger, callId);
                return BxmlResponse.Write(BxmlVerb.SpeakSentence(UnknownCallSentence), BxmlVerb.Hangup());
            }
            return BxmlResponse.Write(
                BxmlVerb.SpeakSentence(ConnectingSentence),
                BxmlVerb.TransferToWebRtc(bandwidth.Value.WebRtcTransferSipUri, participant.Token, callId));
        });
    }

    /// <summary>
    /// disconnect and every other asynchronous event. Bandwidth ignores the body and only needs a quick 2xx;
    /// an event this app does not handle is acknowledged all the same. The participant of an ended call is deleted in
    /// the background: Bandwidth has nothing to wait for, and would not resend on an error anyway.
    /// </summary>
    [HttpPost("/callStatus")]
    public IActionResult CallStatus(DisconnectCallback callback)
    {
        if (Invalid(callback.CallId, callback.EventType, expectedEventType: null) is { } problem)
        {
            return problem;
        }
        var callId = callback.CallId!;
        Log.Webhook(logger, callback.EventType ?? "(none)", callId);
        if (callback.EventType == VoiceEventTypes.Disconnect)
        {
            try
            {
                calls.EndCall(callId, callback.Cause);
            }
            catch (Exception exception)
            {
                // Bandwidth only needs its 2xx; a bug here must not turn into a 500 it would retry.
                Log.Unexpected(logger, callId, exception);
            }
        }
        return NoContent();
    }

    /// <summary>
    /// Runs <paramref name="answer"/> within the webhook budget. Whatever goes wrong, the caller hears an apology and is
    /// hung up, never silence and never a 500 (which Bandwidth would treat as a failed call with no word to the caller).
    /// </summary>
    private async Task<IActionResult> WithinBudgetAsync(string callId, Func<CancellationToken, Task<string>> answer)
    {
        using var budget = CancellationTokenSource.CreateLinkedTokenSource(HttpContext.RequestAborted);
        budget.CancelAfter(webhookOptions.Value.Budget);
        try
        {
            return Xml(await answer(budget.Token));
        }
        catch (PhoneCallRejectedException rejected)
        {
            Log.Refused(logger, callId, rejected.Message);
            if (rejected.SpokenToCaller is { } sentence)
            {
                return Xml(BxmlResponse.Write(BxmlVerb.SpeakSentence(sentence), BxmlVerb.Hangup()));
            }
        }
        catch (Exception exception) when (exception is BandwidthException or OperationCanceledException)
        {
            Log.CannotServe(logger, callId, exception is OperationCanceledException ? "out of time" : exception.Message);
        }
        catch (Exception exception)
        {
            // A bug, not Bandwidth: logged in full, and the caller still gets an answer.
            Log.Unexpected(logger, callId, exception);
        }
        return Xml(BxmlResponse.Write(BxmlVerb.SpeakSentence(ApologySentence), BxmlVerb.Hangup()));
    }

    private ContentResult Xml(string bxml) => Content(bxml, "application/xml; charset=utf-8");

    private ObjectResult? Invalid(string? callId, string? eventType, string? expectedEventType)
    {
        if (string.IsNullOrWhiteSpace(callId))
        {
            return Reject("The webhook has no callId.");
        }
        if (!CallIdShape().IsMatch(callId))
        {
            return Reject("The callId is not a Bandwidth call id.");
        }
        if (expectedEventType is not null && eventType is not null && eventType != expectedEventType)
        {
            return Reject($"This URL takes '{expectedEventType}' events, not '{Truncate(eventType)}'.");
        }
        return null;
    }

    private ObjectResult Reject(string detail)
    {
        Log.Rejected(logger, Request.Path, detail);
        RejectedRequests.MarkLogged(HttpContext);
        return Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid webhook");
    }

    private static string Truncate(string text) => text.Length <= 40 ? text : text[..40] + "…";

    // Bandwidth's ids look like c-15ac29a2-1331029c-2cb0-4a07-b215-b22865662d85; anything far from that is not Bandwidth.
    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9-]{0,127}$")]
    private static partial Regex CallIdShape();

    private static partial class Log
    {
        [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Voice webhook {EventType} for call {CallId}")]
        public static partial void Webhook(ILogger logger, string eventType, string callId);

        [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Answer webhook for unknown call {CallId}: apologising and hanging up")]
        public static partial void UnknownCall(ILogger logger, string callId);

        [LoggerMessage(EventId = 3103, Level = LogLevel.Error, Message = "Could not bring call {CallId} into the session ({Reason}): apologising and hanging up")]
        public static partial void CannotServe(ILogger logger, string callId, string reason);

        [LoggerMessage(EventId = 3108, Level = LogLevel.Warning, Message = "Refused call {CallId}: {Reason} Apologising and hanging up")]
        public static partial void Refused(ILogger logger, string callId, string reason);

        [LoggerMessage(EventId = 3107, Level = LogLevel.Error, Message = "Unexpected failure while answering a webhook for call {CallId}: apologising and hanging up")]
        public static partial void Unexpected(ILogger logger, string callId, Exception exception);

        [LoggerMessage(EventId = 3104, Level = LogLevel.Warning, Message = "Rejected a Voice webhook to {Path}: {Reason}")]
        public static partial void Rejected(ILogger logger, string path, string reason);

        [LoggerMessage(EventId = 3106, Level = LogLevel.Information, Message = "Call {CallId} ended before it could join: hanging up")]
        public static partial void AlreadyEnded(ILogger logger, string callId);
    }
}

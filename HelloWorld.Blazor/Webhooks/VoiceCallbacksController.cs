using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Bandwidth.Bxml;
using HelloWorld.Blazor.Bandwidth.Voice;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Logging;
using HelloWorld.Blazor.Observability;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Webhooks;

/// <summary>
/// Bandwidth's Voice webhooks, at the paths of the sample. The synchronous ones (initiate, answer) answer BXML within a
/// budget that leaves room before Bandwidth's 15 s deadline: a caller never hears silence, only the conference or an apology.
/// The Transfer they answer asks Bandwidth to report how it went (<see cref="TransferCallbacksController"/>).
/// </summary>
[ApiController]
[Authorize(Policy = VoiceWebhookAuthenticationHandler.PolicyName)]
[RequestSizeLimit(MaxBodyBytes)]
[Consumes("application/json")]
public sealed partial class VoiceCallbacksController(
    ICallLegs calls,
    IBandwidthEnvironment environment,
    IOptions<BandwidthOptions> bandwidth,
    IOptions<VoiceWebhookOptions> webhookOptions,
    ILogger<VoiceCallbacksController> logger) : VoiceWebhookController(logger)
{
    public const string ConnectingSentence = "Thank you. Connecting you to your conference now.";
    public const string ApologySentence = "We are sorry, the conference cannot take your call right now. Goodbye.";
    public const string UnknownCallSentence = "We are sorry, we could not find your conference. Goodbye.";

    /// <summary>initiate: someone dialed the app's number. The call joins the session as a new phone participant.</summary>
    [HttpPost(WebhookRoutes.IncomingCall)]
    public async Task<IActionResult> IncomingCallAsync(InitiateCallback callback)
    {
        if (Invalid(callback, VoiceEventTypes.Initiate) is { } problem)
        {
            return problem;
        }
        var callId = callback.CallId!;
        Log.Answering(logger, VoiceEventTypes.Initiate, callId);
        return await WithinBudgetAsync(callId, async cancellationToken =>
        {
            var participant = await calls.AcceptInboundCallAsync(callId, callback.From ?? "", callback.To ?? "", cancellationToken);
            if (participant is null)
            {
                // Its disconnect came first: there is no call left to transfer.
                Log.AlreadyEnded(logger, callId);
                return BxmlResponse.Write(BxmlVerb.Hangup());
            }
            return BxmlResponse.Write(TransferToWebRtc(participant, callId));
        });
    }

    /// <summary>answer: the phone the app called picked up. It hears a sentence and joins the session.</summary>
    [HttpPost(WebhookRoutes.CallAnswered)]
    public async Task<IActionResult> CallAnsweredAsync(AnswerCallback callback)
    {
        if (Invalid(callback, VoiceEventTypes.Answer) is { } problem)
        {
            return problem;
        }
        var callId = callback.CallId!;
        Log.Answering(logger, VoiceEventTypes.Answer, callId);
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
                TransferToWebRtc(participant, callId));
        });
    }

    /// <summary>
    /// disconnect and every other asynchronous event. Bandwidth ignores the body and only needs a quick 2xx;
    /// an event this app does not handle is acknowledged all the same. The participant of an ended call is deleted in
    /// the background: Bandwidth has nothing to wait for, and would not resend on an error anyway.
    /// </summary>
    [HttpPost(WebhookRoutes.CallStatus)]
    public IActionResult CallStatus(DisconnectCallback callback)
    {
        if (Invalid(callback, expectedEventType: null) is { } problem)
        {
            return problem;
        }
        var callId = callback.CallId!;
        Log.Webhook(logger, LogText.Escape(callback.EventType), callId);
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
            Log.Refused(logger, callId, LogText.Escape(rejected.Message));
            WebhookTelemetryAttribute.SetOutcome(HttpContext, "refused");
            if (rejected.SpokenToCaller is { } sentence)
            {
                return Xml(BxmlResponse.Write(BxmlVerb.SpeakSentence(sentence), BxmlVerb.Hangup()));
            }
        }
        catch (Exception exception) when (exception is BandwidthException or OperationCanceledException)
        {
            Log.CannotServe(logger, callId, exception is OperationCanceledException ? "out of time" : LogText.Escape(exception.Message));
            WebhookTelemetryAttribute.SetOutcome(HttpContext, "apologised");
        }
        catch (Exception exception)
        {
            // A bug, not Bandwidth: logged in full, and the caller still gets an answer.
            Log.Unexpected(logger, callId, exception);
            WebhookTelemetryAttribute.SetOutcome(HttpContext, "error");
        }
        return Xml(BxmlResponse.Write(BxmlVerb.SpeakSentence(ApologySentence), BxmlVerb.Hangup()));
    }

    /// <summary>The Transfer into the session, asking Bandwidth to report how it went to this app's transfer routes.</summary>
    private BxmlVerb TransferToWebRtc(JoinedParticipant participant, string callId) =>
        BxmlVerb.TransferToWebRtc(bandwidth.Value.WebRtcTransferSipUri, participant.Token, callId,
            WebhookRoutes.TransferCallbacksFor(environment, bandwidth.Value));

    private static partial class Log
    {
        [LoggerMessage(EventId = 3101, Level = LogLevel.Information, Message = "Voice webhook {EventType} for call {CallId}")]
        public static partial void Webhook(ILogger logger, string eventType, string callId);

        // Debug: an initiate or answer has its outcome's own line at Information (participant joined, call ended before it
        // could join, a refusal or failure at Warning and above); one more line per dial-in only to say it arrived cost
        // the app CPU on every dial-in (bench/README.md, the design floor). The asynchronous events keep 3101.
        [LoggerMessage(EventId = 3109, Level = LogLevel.Debug, Message = "Voice webhook {EventType} for call {CallId}")]
        public static partial void Answering(ILogger logger, string eventType, string callId);

        [LoggerMessage(EventId = 3102, Level = LogLevel.Warning, Message = "Answer webhook for unknown call {CallId}: apologising and hanging up")]
        public static partial void UnknownCall(ILogger logger, string callId);

        [LoggerMessage(EventId = 3103, Level = LogLevel.Error, Message = "Could not bring call {CallId} into the session ({Reason}): apologising and hanging up")]
        public static partial void CannotServe(ILogger logger, string callId, string reason);

        [LoggerMessage(EventId = 3108, Level = LogLevel.Warning, Message = "Refused call {CallId}: {Reason} Apologising and hanging up")]
        public static partial void Refused(ILogger logger, string callId, string reason);

        [LoggerMessage(EventId = 3107, Level = LogLevel.Error, Message = "Unexpected failure while answering a webhook for call {CallId}: apologising and hanging up")]
        public static partial void Unexpected(ILogger logger, string callId, Exception exception);

        [LoggerMessage(EventId = 3106, Level = LogLevel.Information, Message = "Call {CallId} ended before it could join: hanging up")]
        public static partial void AlreadyEnded(ILogger logger, string callId);
    }
}

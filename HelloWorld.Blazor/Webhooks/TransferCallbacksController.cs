using HelloWorld.Blazor.Bandwidth.Bxml;
using HelloWorld.Blazor.Bandwidth.Voice;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Logging;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace HelloWorld.Blazor.Webhooks;

/// <summary>
/// How a Transfer into the session went, as Bandwidth reports it to the URLs the app writes into every Transfer
/// (<see cref="WebhookRoutes.TransferCallbacksFor"/>): transferAnswer when the leg into the session answers (the phone is in
/// the call), transferComplete and transferDisconnect when that leg ends, with Bandwidth's cause. A failed leg means the
/// phone could not join: its call shows why, its participant is deleted, and the caller hears an apology and is hung up.
/// </summary>
[ApiController]
[Authorize(Policy = VoiceWebhookAuthenticationHandler.PolicyName)]
[RequestSizeLimit(MaxBodyBytes)]
[Consumes("application/json")]
public sealed partial class TransferCallbacksController(ICallLegs calls, ILogger<TransferCallbacksController> logger)
    : VoiceWebhookController(logger)
{
    public const string CouldNotJoinSentence = "We are sorry, you could not join the conference. Goodbye.";

    /// <summary>
    /// transferAnswer, to the SipUri's <c>transferAnswerUrl</c>. Its BXML runs on the leg into the session before that leg is
    /// bridged: nothing for a call the app carries, a hang-up for one that ended meanwhile. A call the app does not know is
    /// left alone (and logged): without <c>parentCallId</c> the event names only the leg, and hanging that up would break
    /// every transfer.
    /// </summary>
    [HttpPost(WebhookRoutes.TransferAnswer)]
    public async Task<IActionResult> TransferAnswer(TransferAnswerCallback callback)
    {
        if (Invalid(callback, VoiceEventTypes.TransferAnswer) is { } problem)
        {
            return problem;
        }
        var callId = TransferringCall(callback);
        Log.Webhook(logger, VoiceEventTypes.TransferAnswer, callId);
        switch (await calls.TransferAnsweredAsync(callId))
        {
            case null:
                Log.UnknownCall(logger, callId);
                return Xml(BxmlResponse.Write());
            case { IsActive: false }:
                Log.Ended(logger, callId);
                return Xml(BxmlResponse.Write(BxmlVerb.Hangup()));
            default:
                return Xml(BxmlResponse.Write());
        }
    }

    /// <summary>
    /// transferComplete, to the Transfer's <c>transferCompleteUrl</c>: the leg into the session ended. Its BXML runs on the
    /// phone's call, which has nothing left to do in this app: an apology first if the transfer failed, then a hang-up.
    /// </summary>
    [HttpPost(WebhookRoutes.TransferComplete)]
    public async Task<IActionResult> TransferComplete(TransferCompleteCallback callback)
    {
        if (Invalid(callback, VoiceEventTypes.TransferComplete) is { } problem)
        {
            return problem;
        }
        var callId = TransferringCall(callback);
        Log.TransferEnded(logger, VoiceEventTypes.TransferComplete, callId, LogText.Escape(callback.Cause), LogText.Escape(callback.ErrorMessage));
        if (Failure(callback.Cause, callback.ErrorMessage) is not { } failure)
        {
            return Xml(BxmlResponse.Write(BxmlVerb.Hangup()));
        }
        await calls.TransferFailedAsync(callId, failure);
        return Xml(BxmlResponse.Write(BxmlVerb.SpeakSentence(CouldNotJoinSentence), BxmlVerb.Hangup()));
    }

    /// <summary>
    /// transferDisconnect, to the SipUri's <c>transferDisconnectUrl</c>: the leg into the session ended. Asynchronous: Bandwidth
    /// only needs a 2xx, and the phone's call learns what to do next from transferComplete.
    /// </summary>
    [HttpPost(WebhookRoutes.TransferDisconnect)]
    public async Task<IActionResult> TransferDisconnect(TransferDisconnectCallback callback)
    {
        if (Invalid(callback, VoiceEventTypes.TransferDisconnect) is { } problem)
        {
            return problem;
        }
        var callId = TransferringCall(callback);
        Log.TransferEnded(logger, VoiceEventTypes.TransferDisconnect, callId, LogText.Escape(callback.Cause), LogText.Escape(callback.ErrorMessage));
        if (Failure(callback.Cause, callback.ErrorMessage) is { } failure)
        {
            await calls.TransferFailedAsync(callId, failure);
        }
        return NoContent();
    }

    /// <summary>
    /// Why the leg into the session failed, or <c>null</c> when it ended normally: <c>hangup</c> (someone hung up, or the
    /// participant was deleted) and <c>cancel</c> (the caller gave up while it rang) are no failure of the transfer; every
    /// other cause Bandwidth lists (busy, timeout, rejected, account-limit, node-capacity-exceeded, error, and any it adds)
    /// is, as is an error message without a cause.
    /// </summary>
    public static string? Failure(string? cause, string? errorMessage) => cause switch
    {
        null or "" => string.IsNullOrEmpty(errorMessage) ? null : "error",
        "hangup" or "cancel" => null,
        _ => cause,
    };

    /// <summary>The call that ran the Transfer: a B-leg's event names it in <c>parentCallId</c>.</summary>
    private static string TransferringCall(IVoiceCallback callback) => callback.ParentCallId ?? callback.CallId!;

    private static partial class Log
    {
        // Debug: a transferAnswer's outcome has its own line (call joined or ended at Information, an unknown call at
        // Warning); one more line per dial-in only to say it arrived cost the app CPU on every dial-in (bench/README.md,
        // the design floor).
        [LoggerMessage(EventId = 3111, Level = LogLevel.Debug, Message = "Voice webhook {EventType} for call {CallId}")]
        public static partial void Webhook(ILogger logger, string eventType, string callId);

        [LoggerMessage(EventId = 3112, Level = LogLevel.Information, Message = "Voice webhook {EventType} for call {CallId}: its leg into the session ended (cause {Cause}, error {Error})")]
        public static partial void TransferEnded(ILogger logger, string eventType, string callId, string cause, string error);

        [LoggerMessage(EventId = 3113, Level = LogLevel.Information, Message = "transferAnswer for call {CallId}, which has ended: hanging up its leg into the session")]
        public static partial void Ended(ILogger logger, string callId);

        [LoggerMessage(EventId = 3114, Level = LogLevel.Warning, Message = "transferAnswer for call {CallId}, which the app does not know (no parentCallId, or from before a restart): leaving it alone")]
        public static partial void UnknownCall(ILogger logger, string callId);
    }
}

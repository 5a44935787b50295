using HelloWorld.Emulator.Control;
using HelloWorld.Emulator.Signaling;
using HelloWorld.Emulator.Tokens;
using HelloWorld.Emulator.WebRtc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HelloWorld.Emulator.Voice;

/// <summary>
/// A <c>&lt;Transfer&gt;</c> to the WebRTC SIP URI, as Bandwidth's BXML reference describes it. A new leg rings the WebRTC
/// platform, which answers it as the participant the device token names (or refuses it); <c>transferAnswer</c> goes to
/// the SipUri's <c>transferAnswerUrl</c> and its BXML runs for that leg; the phone is then in the session until the leg
/// ends: its participant deleted, the caller hanging up, a redirect. When the leg ends, for whatever reason, including
/// never having been answered, <c>transferDisconnect</c> goes to the SipUri's <c>transferDisconnectUrl</c>. If the call is
/// still up, <c>transferComplete</c> goes to the Transfer's <c>transferCompleteUrl</c> and its BXML runs on the call instead
/// of the verbs after the Transfer; without that URL, those verbs run (and when there are none, the call hangs up).
/// </summary>
internal sealed partial class TransferFlow(
    IOptions<EmulatorOptions> options, WebhookSender webhooks, DeviceTokens tokens, WebRtcStore store, IVirtualDevices devices,
    HostAddress host, FaultInjector faults, CallWork work, TimeProvider clock, ILogger<TransferFlow> logger)
{
    private static readonly TimeSpan SpeakingTimePerCharacter = TimeSpan.FromMilliseconds(20);
    private readonly EmulatorOptions _options = options.Value;

    /// <summary>
    /// Runs <paramref name="transfer"/> for <paramref name="call"/> until its leg ends. Returns what the call does next:
    /// <see cref="TransferOutcome.Stop"/> when the call ended or its document was replaced, the transferComplete answer
    /// to run, or <see cref="TransferOutcome.Continue"/> with the verbs after the Transfer.
    /// </summary>
    /// <param name="documentUrl">Where the BXML came from: relative URLs in it are resolved against it.</param>
    public async Task<TransferOutcome> RunAsync(
        EmulatedCall call, Transfer transfer, string documentUrl, CancellationToken document, Action<EmulatedCall> changed)
    {
        if (transfer.Tag is not null)
        {
            call.Retag(transfer.Tag);
        }
        var sip = transfer.SipUris.FirstOrDefault();
        var transferTo = sip?.Uri ?? transfer.PhoneNumbers.FirstOrDefault() ?? "";
        var callerId = transfer.TransferCallerId ?? (call.Direction == CallDirection.Inbound ? call.From : call.To);
        var leg = new TransferLeg(call.CallId, transferTo, callerId, sip?.Tag ?? call.Tag, clock.GetUtcNow());
        call.TryMove(CallPhase.Answered, clock.GetUtcNow()); // executing a Transfer answers a call that still rings
        call.Transfers(leg);
        changed(call);

        if (sip is null || !sip.Uri.Equals(_options.WebRtcTransferSipUri, StringComparison.OrdinalIgnoreCase))
        {
            leg.TryEnd("error", $"The emulator only transfers into WebRTC ({_options.WebRtcTransferSipUri}).", clock.GetUtcNow());
        }
        else
        {
            await ConnectAsync(call, sip, leg, documentUrl, document, changed);
        }

        if (call.TryLeaveWebRtc(out var device) && device is not null)
        {
            await device.DisposeAsync();
        }
        // Still ringing or bridged when the call hung up or was redirected: the leg ends with it, cancelled if it still rang.
        leg.TryEnd(leg.AnswerTime is null ? "cancel" : "hangup", null, clock.GetUtcNow());
        Log.LegEnded(logger, call.CallId, leg.CallId, leg.Cause!, leg.ErrorMessage ?? "");
        changed(call);
        if (work.Stopping.IsCancellationRequested)
        {
            return TransferOutcome.Stop;
        }
        if (sip?.Disconnect is { } disconnect)
        {
            await SendDisconnectAsync(call, leg, Resolve(disconnect, documentUrl));
        }
        // Bandwidth sends transferComplete "only if the call is still active after the <Transfer> completes".
        if (document.IsCancellationRequested || call.Phase == CallPhase.Completed)
        {
            return TransferOutcome.Stop;
        }
        if (transfer.Complete is not { } complete)
        {
            return TransferOutcome.Continue;
        }
        var payload = new TransferCompleteWebhook("transferComplete", clock.GetUtcNow(), _options.AccountId, call.Callbacks.ApplicationId,
            call.From, call.To, call.Direction, call.CallId, CallUrl(call.CallId), call.Direction == CallDirection.Outbound ? call.StartTime : null,
            call.StartTime, call.AnswerTime, call.Tag, leg.TransferCallerId, leg.TransferTo, leg.Cause!, leg.ErrorMessage, ErrorId(leg));
        var answer = await webhooks.SendAsync(call, Resolve(complete, documentUrl),
            transfer.CompleteFallback is { } fallback ? Resolve(fallback, documentUrl) : null, payload, "transferComplete", document);
        changed(call);
        return new TransferOutcome(answer);
    }

    /// <summary>Rings the WebRTC platform, and keeps the phone in the session until the leg ends.</summary>
    private async Task ConnectAsync(
        EmulatedCall call, SipUri sip, TransferLeg leg, string documentUrl, CancellationToken document, Action<EmulatedCall> changed)
    {
        using var legOrDocument = CancellationTokenSource.CreateLinkedTokenSource(leg.Ended, document);
        if (faults.MatchTransfer() is { } fault)
        {
            Log.Faulted(logger, call.CallId, fault.Id);
            // From the leg's start, the moment the Transfer began to ring, however late this line runs.
            var answerAt = leg.StartTime + TimeSpan.FromMilliseconds(fault.DelayMs ?? 0);
            if (fault.DelayMs is not null && !await WaitAsync(answerAt - clock.GetUtcNow(), legOrDocument.Token))
            {
                return;
            }
            if (fault.Cause is { } cause)
            {
                leg.TryEnd(cause, fault.ErrorMessage ?? $"Transfer failed by the emulator's fault rule {fault.Id}.", clock.GetUtcNow());
                return;
            }
        }
        var (token, callIdPart) = sip.ReadUui();
        if (callIdPart is not null && callIdPart != call.CallId[1..].Replace("-", "", StringComparison.Ordinal))
        {
            leg.TryEnd("error", "The uui names another call.", clock.GetUtcNow());
            return;
        }
        // What the real platform answers a SIP leg whose token it refuses is not documented: the emulator reports error,
        // the cause Bandwidth gives for "some error not described in any of the other causes".
        var participantId = await tokens.ValidateAsync(token);
        if (participantId is null || store.FindParticipant(participantId) is null)
        {
            leg.TryEnd("error", "The transfer's device token is invalid or expired, or its participant was deleted.", clock.GetUtcNow());
            return;
        }
        if (document.IsCancellationRequested || !leg.TryAnswer(participantId, clock.GetUtcNow()))
        {
            return;
        }
        changed(call);
        if (sip.Answer is { } answerUrl && !await AnswerAsync(call, sip, leg, Resolve(answerUrl, documentUrl), documentUrl, legOrDocument.Token))
        {
            return;
        }
        await BridgeAsync(call, leg, participantId, legOrDocument.Token, changed);
    }

    /// <summary>transferAnswer, and its BXML for the called party. False when the leg ended instead of being bridged.</summary>
    private async Task<bool> AnswerAsync(
        EmulatedCall call, SipUri sip, TransferLeg leg, WebhookTarget target, string documentUrl, CancellationToken legOrDocument)
    {
        var payload = new TransferAnswerWebhook("transferAnswer", clock.GetUtcNow(), _options.AccountId, call.Callbacks.ApplicationId,
            call.From, call.To, CallDirection.Outbound, leg.CallId, leg.ParentCallId, CallUrl(leg.CallId), leg.StartTime, leg.AnswerTime,
            leg.Tag, leg.TransferCallerId, leg.TransferTo);
        var answer = await webhooks.SendAsync(call, target, sip.AnswerFallback is { } fallback ? Resolve(fallback, documentUrl) : null,
            payload, "transferAnswer", legOrDocument);
        if (legOrDocument.IsCancellationRequested)
        {
            return false;
        }
        if (answer.Bxml is null)
        {
            leg.TryEnd("callback-error", $"The transferAnswer webhook failed: {answer.Error}", clock.GetUtcNow());
            return false;
        }
        IReadOnlyList<BxmlVerb> verbs;
        try
        {
            // An empty answer is nothing to run: the leg is bridged at once.
            verbs = string.IsNullOrWhiteSpace(answer.Bxml) ? [] : BxmlVerb.Parse(answer.Bxml);
        }
        catch (InvalidBxmlException invalid)
        {
            leg.TryEnd("invalid-bxml", invalid.Message, clock.GetUtcNow());
            return false;
        }
        foreach (var verb in verbs)
        {
            var goesOn = verb switch
            {
                // Said to the called party, here the WebRTC session: it takes its time, and the phone does not hear it.
                SpeakSentence speak => await WaitAsync(SpeakingTimePerCharacter * Math.Min(speak.Text.Length, 150), legOrDocument),
                Pause pause => await WaitAsync(pause.Duration, legOrDocument),
                Hangup => EndLeg("hangup", null),
                _ => EndLeg("invalid-bxml", $"<{verb.GetType().Name}> is not allowed in answer to transferAnswer."),
            };
            if (!goesOn)
            {
                return false;
            }
        }
        return true;

        bool EndLeg(string cause, string? errorMessage)
        {
            leg.TryEnd(cause, errorMessage, clock.GetUtcNow());
            return false;
        }
    }

    /// <summary>The phone joins the session as the participant, and stays until the leg or the call's document ends.</summary>
    private async Task BridgeAsync(EmulatedCall call, TransferLeg leg, string participantId, CancellationToken legOrDocument, Action<EmulatedCall> changed)
    {
        if (!call.TryTransfer(participantId, clock.GetUtcNow()))
        {
            return;
        }
        // Read again now that the call names its participant: a deletion from here on finds the call (the engine ends the
        // leg), and one that came in between is seen here.
        if (store.FindParticipant(participantId) is not { } participant)
        {
            leg.TryEnd("hangup", null, clock.GetUtcNow());
            return;
        }
        var phoneNumber = call.Direction == CallDirection.Inbound ? call.From : call.To;
        var device = devices.ConnectPhone(participant, phoneNumber);
        device.Echo = call.Echo;
        call.Joined(device);
        if (!legOrDocument.IsCancellationRequested)
        {
            Log.Transferred(logger, call.CallId, participantId);
            changed(call);
            await WaitAsync(Timeout.InfiniteTimeSpan, legOrDocument);
        }
        // The device goes when the leg ends: RunAsync takes the call out of WebRTC, or the call's end took it already.
    }

    /// <summary>Asynchronous for Bandwidth, like disconnect: the answer is ignored, a connection error retried once.</summary>
    private async Task SendDisconnectAsync(EmulatedCall call, TransferLeg leg, WebhookTarget target)
    {
        var payload = new TransferDisconnectWebhook("transferDisconnect", clock.GetUtcNow(), _options.AccountId, call.Callbacks.ApplicationId,
            call.From, call.To, CallDirection.Outbound, leg.CallId, leg.ParentCallId, CallUrl(leg.CallId), leg.StartTime, leg.AnswerTime,
            leg.EndTime!.Value, leg.Tag, leg.TransferCallerId, leg.TransferTo, leg.Cause!, leg.ErrorMessage, ErrorId(leg));
        if ((await webhooks.SendAsync(call, target, payload, "transferDisconnect", CancellationToken.None)).Status == 0)
        {
            await webhooks.SendAsync(call, target, payload, "transferDisconnect", CancellationToken.None);
        }
    }

    /// <summary>False when <paramref name="token"/> ended the wait.</summary>
    private async Task<bool> WaitAsync(TimeSpan duration, CancellationToken token)
    {
        try
        {
            await Task.Delay(duration < TimeSpan.Zero && duration != Timeout.InfiniteTimeSpan ? TimeSpan.Zero : duration, clock, token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    /// <summary>BXML URLs "may be relative": resolved against the URL of the server that provided the BXML, as Bandwidth does.</summary>
    private static WebhookTarget Resolve(WebhookTarget target, string documentUrl) =>
        Uri.TryCreate(target.Url, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https"
            ? target
            : target with { Url = new Uri(new Uri(documentUrl), target.Url).ToString() };

    private static string? ErrorId(TransferLeg leg) => leg.ErrorMessage is null ? null : Guid.NewGuid().ToString();

    private string CallUrl(string callId) => host.Resolve($"/emulator/voice/api/v2/accounts/{_options.AccountId}/calls/{callId}");

    private static partial class Log
    {
        [LoggerMessage(EventId = 9903, Level = LogLevel.Information, Message = "Call {CallId} joined WebRTC as participant {ParticipantId}")]
        public static partial void Transferred(ILogger logger, string callId, string participantId);

        [LoggerMessage(EventId = 9908, Level = LogLevel.Information, Message = "Call {CallId}: its transfer leg {LegId} ended ({Cause}) {ErrorMessage}")]
        public static partial void LegEnded(ILogger logger, string callId, string legId, string cause, string errorMessage);

        [LoggerMessage(EventId = 9909, Level = LogLevel.Information, Message = "Call {CallId}: transfer fault rule {RuleId} applies")]
        public static partial void Faulted(ILogger logger, string callId, long ruleId);
    }
}

/// <summary>What a call does once its Transfer's leg ended.</summary>
/// <param name="Complete">transferComplete's answer, whose BXML the call runs instead of the verbs after the Transfer.</param>
internal sealed record TransferOutcome(WebhookRecord? Complete, bool Stopped = false)
{
    public static TransferOutcome Stop { get; } = new(null, Stopped: true);

    public static TransferOutcome Continue { get; } = new(Complete: null);
}

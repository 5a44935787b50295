using HelloWorld.Emulator.Signaling;
using HelloWorld.Emulator.Tokens;
using HelloWorld.Emulator.WebRtc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HelloWorld.Emulator.Voice;

/// <summary>
/// The Voice application's side of each call: the webhook that asks the app what to do (initiate, answer, redirect),
/// the BXML it answers, executed verb by verb up to a <c>Transfer</c> that brings the phone into WebRTC, and the end of
/// the call with its disconnect webhook. <see cref="CallEngine"/> decides when each starts.
/// </summary>
internal sealed partial class CallFlows(
    IOptions<EmulatorOptions> options, WebhookSender webhooks, DeviceTokens tokens, WebRtcStore store, IVirtualDevices devices,
    HostAddress host, CallWork work, TimeProvider clock, ILogger<CallFlows> logger)
{
    private static readonly TimeSpan SpeakingTimePerCharacter = TimeSpan.FromMilliseconds(20);
    private readonly EmulatorOptions _options = options.Value;

    /// <summary>Raised after any change to a call; handlers must not block.</summary>
    public event Action<EmulatedCall>? Changed;

    /// <summary>Raised once when a call has ended, before the app hears of it.</summary>
    public event Action<EmulatedCall>? Ended;

    /// <summary>A dial-in: the <c>initiate</c> webhook, then the BXML it answers.</summary>
    public async Task InitiateAsync(EmulatedCall call)
    {
        var document = call.BeginDocument(work.Stopping);
        var webhook = new InitiateWebhook("initiate", clock.GetUtcNow(), _options.AccountId, call.Callbacks.ApplicationId, call.From, call.To,
            call.Direction, call.CallId, CallUrl(call), call.StartTime);
        var answer = await webhooks.SendAsync(call, call.Callbacks.Answer, call.Callbacks.AnswerFallback, webhook, "initiate", document);
        Changed?.Invoke(call);
        await ExecuteAsync(call, answer, document);
    }

    /// <summary>An outbound call the phone answered: the <c>answer</c> webhook, then the BXML it answers.</summary>
    public async Task AnswerAsync(EmulatedCall call)
    {
        var document = call.BeginDocument(work.Stopping);
        var webhook = new AnswerWebhook("answer", clock.GetUtcNow(), _options.AccountId, call.Callbacks.ApplicationId, call.From, call.To,
            call.Direction, call.CallId, CallUrl(call), call.StartTime, call.StartTime, call.AnswerTime, call.Tag);
        var answer = await webhooks.SendAsync(call, call.Callbacks.Answer, call.Callbacks.AnswerFallback, webhook, "answer", document);
        Changed?.Invoke(call);
        await ExecuteAsync(call, answer, document);
    }

    /// <summary>
    /// updateCall with <c>state: active</c>: the BXML running (or the call's stay in WebRTC) is interrupted, the
    /// <c>redirect</c> webhook asks the app for new BXML, and that is executed instead.
    /// </summary>
    public async Task RedirectAsync(EmulatedCall call, WebhookTarget target, WebhookTarget? fallback)
    {
        var document = call.BeginDocument(work.Stopping);
        Log.Redirected(logger, call.CallId, target.Url);
        if (call.TryLeaveWebRtc(out var device))
        {
            Changed?.Invoke(call);
            if (device is not null)
            {
                await device.DisposeAsync();
            }
        }
        var webhook = new RedirectWebhook("redirect", clock.GetUtcNow(), _options.AccountId, call.Callbacks.ApplicationId, call.From, call.To,
            call.Direction, call.CallId, CallUrl(call), call.Direction == CallDirection.Outbound ? call.StartTime : null, call.StartTime,
            call.AnswerTime, call.Tag);
        var answer = await webhooks.SendAsync(call, target, fallback, webhook, "redirect", document);
        Changed?.Invoke(call);
        await ExecuteAsync(call, answer, document);
    }

    /// <summary>Ends the call with <paramref name="cause"/> unless it already ended, then <see cref="WrapUpAsync"/>.</summary>
    public async Task EndAsync(EmulatedCall call, string cause, string? errorMessage)
    {
        if (call.TryEnd(cause, errorMessage, clock.GetUtcNow()))
        {
            await WrapUpAsync(call);
        }
    }

    /// <summary>What follows the end of a call: its phone leaves WebRTC, and the app gets the disconnect webhook.</summary>
    public async Task WrapUpAsync(EmulatedCall call)
    {
        Log.Ended(logger, call.CallId, call.Cause!, call.ErrorMessage ?? "");
        if (call.TakeDevice() is { } device)
        {
            await device.DisposeAsync();
        }
        Ended?.Invoke(call);
        Changed?.Invoke(call);
        if (call.Callbacks.Disconnect is { } target)
        {
            var webhook = new DisconnectWebhook("disconnect", clock.GetUtcNow(), _options.AccountId, call.Callbacks.ApplicationId, call.From,
                call.To, call.CallId, call.Direction, CallUrl(call), call.Direction == CallDirection.Outbound ? call.StartTime : null,
                call.StartTime, call.AnswerTime, call.EndTime!.Value, call.Cause!, call.ErrorMessage,
                call.ErrorMessage is null ? null : Guid.NewGuid().ToString(), call.Tag);
            // Asynchronous for Bandwidth: the answer is ignored, and a connection error is retried once. Not cut short
            // when the emulator stops: the call did end, and the host waits for this within its shutdown timeout.
            var sent = await webhooks.SendAsync(call, target, webhook, "disconnect", CancellationToken.None);
            if (sent.Status == 0)
            {
                await webhooks.SendAsync(call, target, webhook, "disconnect", CancellationToken.None);
            }
            Changed?.Invoke(call);
        }
    }

    /// <summary>Runs one BXML document until it ends, the call ends, or a redirect replaces it.</summary>
    private async Task ExecuteAsync(EmulatedCall call, WebhookRecord answer, CancellationToken document)
    {
        if (document.IsCancellationRequested)
        {
            return;
        }
        if (answer.Bxml is null)
        {
            await EndAsync(call, "callback-error", $"The {answer.EventType} webhook failed: {answer.Error}");
            return;
        }
        IReadOnlyList<BxmlVerb> verbs;
        try
        {
            verbs = BxmlVerb.Parse(answer.Bxml);
        }
        catch (InvalidBxmlException invalid)
        {
            await EndAsync(call, "invalid-bxml", invalid.Message);
            return;
        }
        foreach (var verb in verbs)
        {
            if (document.IsCancellationRequested)
            {
                return;
            }
            switch (verb)
            {
                case SpeakSentence speak:
                    call.TryMove(CallPhase.Answered, clock.GetUtcNow());
                    call.Hear(speak.Text);
                    Changed?.Invoke(call);
                    await WaitAsync(SpeakingTimePerCharacter * Math.Min(speak.Text.Length, 150), document);
                    break;
                case Pause pause:
                    await WaitAsync(pause.Duration, document);
                    break;
                case Hangup:
                    await EndAsync(call, "hangup", null);
                    return;
                case Transfer transfer:
                    await TransferAsync(call, transfer, document);
                    return;
            }
        }
        if (!document.IsCancellationRequested)
        {
            await EndAsync(call, "hangup", null); // Bandwidth hangs up when the BXML runs out
        }
    }

    /// <summary>A <c>Transfer</c> to the WebRTC SIP URI: the token names the participant the phone joins as.</summary>
    private async Task TransferAsync(EmulatedCall call, Transfer transfer, CancellationToken document)
    {
        if (transfer.SipUris.FirstOrDefault() is not { } sip || !sip.Uri.Equals(_options.WebRtcTransferSipUri, StringComparison.OrdinalIgnoreCase))
        {
            await EndAsync(call, "error", $"The emulator only transfers into WebRTC ({_options.WebRtcTransferSipUri}).");
            return;
        }
        var (token, callIdPart) = sip.ReadUui();
        if (callIdPart is not null && callIdPart != call.CallId[1..].Replace("-", "", StringComparison.Ordinal))
        {
            await EndAsync(call, "error", "The uui names another call.");
            return;
        }
        var participantId = await tokens.ValidateAsync(token);
        if (participantId is null || store.FindParticipant(participantId) is null)
        {
            await EndAsync(call, "error", "The transfer's device token is invalid, expired, or its participant is gone.");
            return;
        }
        if (!call.TryTransfer(participantId, clock.GetUtcNow()))
        {
            return;
        }
        // Read again now that the call names its participant: a deletion from here on finds the call (the engine ends
        // it), and one that came in between is seen here.
        if (store.FindParticipant(participantId) is not { } participant)
        {
            await EndAsync(call, "hangup", null);
            return;
        }
        var phoneNumber = call.Direction == CallDirection.Inbound ? call.From : call.To;
        var device = devices.ConnectPhone(participant, phoneNumber);
        device.Echo = call.Echo;
        call.Joined(device);
        if ((call.Ended.IsCancellationRequested || document.IsCancellationRequested) && call.TakeDevice() is { } late)
        {
            await late.DisposeAsync(); // hung up, redirected, or its participant deleted, while joining
            return;
        }
        Log.Transferred(logger, call.CallId, participantId);
        Changed?.Invoke(call);
    }

    private async Task WaitAsync(TimeSpan duration, CancellationToken document)
    {
        try
        {
            await Task.Delay(duration, clock, document);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private string CallUrl(EmulatedCall call) => host.Resolve($"/emulator/voice/api/v2/accounts/{_options.AccountId}/calls/{call.CallId}");

    private static partial class Log
    {
        [LoggerMessage(EventId = 9903, Level = LogLevel.Information, Message = "Call {CallId} joined WebRTC as participant {ParticipantId}")]
        public static partial void Transferred(ILogger logger, string callId, string participantId);

        [LoggerMessage(EventId = 9904, Level = LogLevel.Information, Message = "Call {CallId} ended ({Cause}) {ErrorMessage}")]
        public static partial void Ended(ILogger logger, string callId, string cause, string errorMessage);

        [LoggerMessage(EventId = 9906, Level = LogLevel.Information, Message = "Call {CallId} redirected to {Url}")]
        public static partial void Redirected(ILogger logger, string callId, string url);
    }
}

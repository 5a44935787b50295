using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HelloWorld.Emulator.Voice;

/// <summary>
/// The Voice application's side of each call: the webhook that asks the app what to do (initiate, answer, redirect),
/// the BXML it answers, executed verb by verb (a <c>Transfer</c> brings the phone into WebRTC: <see cref="TransferFlow"/>),
/// and the end of the call with its disconnect webhook. <see cref="CallEngine"/> decides when each starts.
/// </summary>
internal sealed partial class CallFlows(
    IOptions<EmulatorOptions> options, WebhookSender webhooks, TransferFlow transfers, HostAddress host, CallWork work, TimeProvider clock,
    ILogger<CallFlows> logger)
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
                call.ErrorId, call.Tag);
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
                    var outcome = await transfers.RunAsync(call, transfer, answer.Url, document, changed => Changed?.Invoke(changed));
                    if (outcome.Stopped)
                    {
                        return;
                    }
                    if (outcome.Complete is { } complete)
                    {
                        await ExecuteAsync(call, complete, document); // transferComplete's BXML replaces the verbs after the Transfer
                        return;
                    }
                    break;
            }
        }
        if (!document.IsCancellationRequested)
        {
            await EndAsync(call, "hangup", null); // Bandwidth hangs up when the BXML runs out
        }
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
        [LoggerMessage(EventId = 9904, Level = LogLevel.Information, Message = "Call {CallId} ended ({Cause}) {ErrorMessage}")]
        public static partial void Ended(ILogger logger, string callId, string cause, string errorMessage);

        [LoggerMessage(EventId = 9906, Level = LogLevel.Information, Message = "Call {CallId} redirected to {Url}")]
        public static partial void Redirected(ILogger logger, string callId, string url);
    }
}

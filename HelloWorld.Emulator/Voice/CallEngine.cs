using System.Collections.Concurrent;
using HelloWorld.Emulator.Signaling;
using HelloWorld.Emulator.Tokens;
using HelloWorld.Emulator.WebRtc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HelloWorld.Emulator.Voice;

/// <summary>
/// The emulated telephone network and Voice application: simulated phones dial in and get called, webhooks go to the app,
/// and the BXML it answers is executed, up to a <c>Transfer</c> that brings the phone into WebRTC as a participant.
/// </summary>
internal sealed partial class CallEngine : IDisposable
{
    public const int EndedCallsKept = 5000;
    private static readonly TimeSpan SpeakingTimePerCharacter = TimeSpan.FromMilliseconds(20);

    private readonly EmulatorOptions _options;
    private readonly WebhookSender _webhooks;
    private readonly DeviceTokens _tokens;
    private readonly WebRtcStore _store;
    private readonly IVirtualDevices _devices;
    private readonly HostAddress _host;
    private readonly TimeProvider _clock;
    private readonly ILogger<CallEngine> _logger;
    private readonly ConcurrentDictionary<string, EmulatedCall> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _ended = new();

    public CallEngine(
        IOptions<EmulatorOptions> options, WebhookSender webhooks, DeviceTokens tokens, WebRtcStore store, IVirtualDevices devices,
        HostAddress host, TimeProvider clock, ILogger<CallEngine> logger)
    {
        _options = options.Value;
        _webhooks = webhooks;
        _tokens = tokens;
        _store = store;
        _devices = devices;
        _host = host;
        _clock = clock;
        _logger = logger;
        _store.Changed += OnStoreChanged;
    }

    /// <summary>Raised after any change to a call; handlers must not block.</summary>
    public event Action<EmulatedCall>? Changed;

    public IReadOnlyList<EmulatedCall> Calls => [.. _calls.Values.OrderBy(call => call.StartTime)];

    public EmulatedCall? Find(string callId) => _calls.GetValueOrDefault(callId);

    public bool IsSimulatedPhone(string number) => _options.PhoneNumbers.Contains(number, StringComparer.Ordinal);

    /// <summary>A simulated phone dials the app's number: the Voice application gets the <c>initiate</c> webhook.</summary>
    public EmulatedCall DialIn(string from)
    {
        var call = new EmulatedCall(CallDirection.Inbound, from, _options.ApplicationPhoneNumber, _clock.GetUtcNow())
        {
            Callbacks = new CallCallbacks(_host.Resolve(_options.InboundCallbackUrl), _host.Resolve(_options.StatusCallbackUrl),
                _options.CallbackUsername, _options.CallbackPassword, null, _options.CallbackTimeout, _options.VoiceApplicationId),
        };
        Track(call);
        Log.DialIn(_logger, call.CallId, from);
        _ = Guard(call, RunInitiateAsync(call));
        return call;
    }

    /// <summary><c>createCall</c>: the call rings the simulated phone until answered, declined or out of time.</summary>
    public EmulatedCall PlaceCall(string from, string to, CallCallbacks callbacks, TimeSpan ringTimeout)
    {
        var call = new EmulatedCall(CallDirection.Outbound, from, to, _clock.GetUtcNow()) { Callbacks = callbacks };
        Track(call);
        Log.Placed(_logger, call.CallId, to);
        if (!IsSimulatedPhone(to))
        {
            _ = Guard(call, EndAsync(call, "error", $"The emulator has no phone at {to}; call one of {string.Join(", ", _options.PhoneNumbers)}."));
        }
        else
        {
            _ = Guard(call, RingAsync(call, ringTimeout));
        }
        return call;
    }

    /// <summary>The simulated phone picks up a call that rings it.</summary>
    public bool Answer(string callId)
    {
        if (Find(callId) is not { Direction: CallDirection.Outbound } call || !call.TryMove(CallPhase.Answered, _clock.GetUtcNow()))
        {
            return false;
        }
        Changed?.Invoke(call);
        _ = Guard(call, RunAnswerAsync(call));
        return true;
    }

    public bool Decline(string callId)
    {
        if (Find(callId) is not { Phase: CallPhase.Ringing, Direction: CallDirection.Outbound } call)
        {
            return false;
        }
        _ = Guard(call, EndAsync(call, "rejected", null));
        return true;
    }

    /// <summary>
    /// The phone's user hangs up. A caller who gives up before the app answers cancels the call, as Bandwidth reports it.
    /// </summary>
    public bool HangUp(string callId)
    {
        if (Find(callId) is not { Phase: not CallPhase.Completed } call)
        {
            return false;
        }
        var cause = call is { Direction: CallDirection.Inbound, Phase: CallPhase.Ringing } ? "cancel" : "hangup";
        _ = Guard(call, EndAsync(call, cause, null));
        return true;
    }

    /// <summary><c>updateCall</c> with <c>completed</c>: hang up, cancel an unanswered outbound call, reject an unanswered inbound one.</summary>
    public bool Complete(string callId)
    {
        if (Find(callId) is not { Phase: not CallPhase.Completed } call)
        {
            return false;
        }
        var cause = call.Phase != CallPhase.Ringing ? "hangup" : call.Direction == CallDirection.Outbound ? "cancel" : "rejected";
        _ = Guard(call, EndAsync(call, cause, null));
        return true;
    }

    public bool SetEcho(string callId, bool enabled)
    {
        if (Find(callId) is not { } call)
        {
            return false;
        }
        call.Echo = enabled;
        if (call.Device is { } device)
        {
            device.Echo = enabled;
        }
        Changed?.Invoke(call);
        return true;
    }

    public void Dispose() => _store.Changed -= OnStoreChanged;

    private void Track(EmulatedCall call)
    {
        _calls[call.CallId] = call;
        Changed?.Invoke(call);
    }

    private async Task RingAsync(EmulatedCall call, TimeSpan ringTimeout)
    {
        try
        {
            await Task.Delay(ringTimeout, _clock, call.Ended.Token);
        }
        catch (OperationCanceledException)
        {
            return; // ended before it timed out
        }
        if (call.Phase == CallPhase.Ringing)
        {
            await EndAsync(call, "timeout", null);
        }
    }

    private async Task RunInitiateAsync(EmulatedCall call)
    {
        var document = call.BeginDocument();
        var webhook = new InitiateWebhook("initiate", _clock.GetUtcNow(), _options.AccountId, call.Callbacks.ApplicationId, call.From, call.To,
            call.Direction, call.CallId, CallUrl(call), call.StartTime);
        var answer = await _webhooks.SendAsync(call, call.Callbacks.Answer, call.Callbacks.AnswerFallback, webhook, "initiate", document);
        Changed?.Invoke(call);
        await ExecuteAsync(call, answer, document);
    }

    private async Task RunAnswerAsync(EmulatedCall call)
    {
        var document = call.BeginDocument();
        var webhook = new AnswerWebhook("answer", _clock.GetUtcNow(), _options.AccountId, call.Callbacks.ApplicationId, call.From, call.To,
            call.Direction, call.CallId, CallUrl(call), call.StartTime, call.StartTime, call.AnswerTime, call.Tag);
        var answer = await _webhooks.SendAsync(call, call.Callbacks.Answer, call.Callbacks.AnswerFallback, webhook, "answer", document);
        Changed?.Invoke(call);
        await ExecuteAsync(call, answer, document);
    }

    /// <summary>
    /// updateCall with <c>state: active</c>: the BXML running (or the call's stay in WebRTC) is interrupted, the
    /// <c>redirect</c> webhook asks the app for new BXML, and that is executed instead.
    /// </summary>
    public RedirectResult Redirect(string callId, WebhookTarget target, WebhookTarget? fallback, string? tag)
    {
        if (Find(callId) is not { Phase: not CallPhase.Completed } call)
        {
            return RedirectResult.NotFound;
        }
        if (call.Phase == CallPhase.Ringing)
        {
            return RedirectResult.NotAnswered;
        }
        if (tag is not null)
        {
            call.Retag(tag);
        }
        _ = Guard(call, RunRedirectAsync(call, target, fallback));
        return RedirectResult.Redirected;
    }

    private async Task RunRedirectAsync(EmulatedCall call, WebhookTarget target, WebhookTarget? fallback)
    {
        var document = call.BeginDocument();
        Log.Redirected(_logger, call.CallId, target.Url);
        if (call.TryLeaveWebRtc(out var device))
        {
            Changed?.Invoke(call);
            if (device is not null)
            {
                await device.DisposeAsync();
            }
        }
        var webhook = new RedirectWebhook("redirect", _clock.GetUtcNow(), _options.AccountId, call.Callbacks.ApplicationId, call.From, call.To,
            call.Direction, call.CallId, CallUrl(call), call.Direction == CallDirection.Outbound ? call.StartTime : null, call.StartTime, call.AnswerTime, call.Tag);
        var answer = await _webhooks.SendAsync(call, target, fallback, webhook, "redirect", document);
        Changed?.Invoke(call);
        await ExecuteAsync(call, answer, document);
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
                    call.TryMove(CallPhase.Answered, _clock.GetUtcNow());
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
        var participantId = await _tokens.ValidateAsync(token);
        if (participantId is null || _store.FindParticipant(participantId) is null)
        {
            await EndAsync(call, "error", "The transfer's device token is invalid, expired, or its participant is gone.");
            return;
        }
        if (!call.TryTransfer(participantId, _clock.GetUtcNow()))
        {
            return;
        }
        // Read again now that the call names its participant: a deletion from here on finds the call (OnStoreChanged),
        // and one that came in between is seen here.
        if (_store.FindParticipant(participantId) is not { } participant)
        {
            await EndAsync(call, "hangup", null);
            return;
        }
        var phoneNumber = call.Direction == CallDirection.Inbound ? call.From : call.To;
        var device = _devices.ConnectPhone(participant, phoneNumber);
        device.Echo = call.Echo;
        call.Joined(device);
        if ((call.Ended.IsCancellationRequested || document.IsCancellationRequested) && call.TakeDevice() is { } late)
        {
            await late.DisposeAsync(); // hung up, redirected, or its participant deleted, while joining
            return;
        }
        Log.Transferred(_logger, call.CallId, participantId);
        Changed?.Invoke(call);
    }

    private async Task EndAsync(EmulatedCall call, string cause, string? errorMessage)
    {
        if (!call.TryEnd(cause, errorMessage, _clock.GetUtcNow()))
        {
            return;
        }
        Log.Ended(_logger, call.CallId, cause, errorMessage ?? "");
        if (call.TakeDevice() is { } device)
        {
            await device.DisposeAsync();
        }
        _ended.Enqueue(call.CallId);
        while (_ended.Count > EndedCallsKept && _ended.TryDequeue(out var oldest))
        {
            _calls.TryRemove(oldest, out _);
        }
        Changed?.Invoke(call);
        if (call.Callbacks.Disconnect is { } target)
        {
            var webhook = new DisconnectWebhook("disconnect", _clock.GetUtcNow(), _options.AccountId, call.Callbacks.ApplicationId, call.From,
                call.To, call.CallId, call.Direction, CallUrl(call), call.Direction == CallDirection.Outbound ? call.StartTime : null, call.StartTime,
                call.AnswerTime, call.EndTime!.Value, cause, errorMessage, errorMessage is null ? null : Guid.NewGuid().ToString(), call.Tag);
            // Asynchronous for Bandwidth: the answer is ignored, and a connection error is retried once.
            var sent = await _webhooks.SendAsync(call, target, webhook, "disconnect", CancellationToken.None);
            if (sent.Status == 0)
            {
                await _webhooks.SendAsync(call, target, webhook, "disconnect", CancellationToken.None);
            }
            Changed?.Invoke(call);
        }
    }

    private async Task WaitAsync(TimeSpan duration, CancellationToken document)
    {
        try
        {
            await Task.Delay(duration, _clock, document);
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>Bandwidth drops the leg of a participant the app deletes; the phone's call ends with it.</summary>
    private void OnStoreChanged(WebRtcChange change)
    {
        if (change.Kind != WebRtcChangeKind.ParticipantDeleted)
        {
            return;
        }
        foreach (var call in _calls.Values.Where(call => call.Phase == CallPhase.Transferred && call.ParticipantId == change.ParticipantId))
        {
            _ = Guard(call, EndAsync(call, "hangup", null));
        }
    }

    private string CallUrl(EmulatedCall call) => _host.Resolve($"/emulator/voice/api/v2/accounts/{_options.AccountId}/calls/{call.CallId}");

    /// <summary>A call's flow runs on its own; its failures are logged, never lost, and never take the emulator down.</summary>
    private Task Guard(EmulatedCall call, Task flow) => flow.ContinueWith(task =>
    {
        if (task.Exception is { } exception)
        {
            Log.FlowFailed(_logger, call.CallId, exception.GetBaseException());
        }
    }, TaskScheduler.Default);

    private static partial class Log
    {
        [LoggerMessage(EventId = 9901, Level = LogLevel.Information, Message = "Call {CallId}: {From} dials the app")]
        public static partial void DialIn(ILogger logger, string callId, string from);

        [LoggerMessage(EventId = 9902, Level = LogLevel.Information, Message = "Call {CallId}: the app calls {To}")]
        public static partial void Placed(ILogger logger, string callId, string to);

        [LoggerMessage(EventId = 9903, Level = LogLevel.Information, Message = "Call {CallId} joined WebRTC as participant {ParticipantId}")]
        public static partial void Transferred(ILogger logger, string callId, string participantId);

        [LoggerMessage(EventId = 9904, Level = LogLevel.Information, Message = "Call {CallId} ended ({Cause}) {ErrorMessage}")]
        public static partial void Ended(ILogger logger, string callId, string cause, string errorMessage);

        [LoggerMessage(EventId = 9906, Level = LogLevel.Information, Message = "Call {CallId} redirected to {Url}")]
        public static partial void Redirected(ILogger logger, string callId, string url);

        [LoggerMessage(EventId = 9905, Level = LogLevel.Error, Message = "Call {CallId}: its flow failed")]
        public static partial void FlowFailed(ILogger logger, string callId, Exception exception);
    }
}

internal enum RedirectResult
{
    Redirected,
    NotFound,
    NotAnswered,
}

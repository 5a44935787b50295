using System.Collections.Concurrent;
using HelloWorld.Emulator.WebRtc;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HelloWorld.Emulator.Voice;

/// <summary>
/// The emulated telephone network: simulated phones dial in, ring, answer, decline and hang up; the Voice API places,
/// ends and redirects calls. What the Voice application does on each call (webhooks, BXML) is <see cref="CallFlows"/>;
/// every flow runs tracked by <see cref="CallWork"/>.
/// </summary>
internal sealed partial class CallEngine : IDisposable
{
    public const int EndedCallsKept = 5000;

    private readonly EmulatorOptions _options;
    private readonly CallFlows _flows;
    private readonly CallWork _work;
    private readonly WebRtcStore _store;
    private readonly HostAddress _host;
    private readonly TimeProvider _clock;
    private readonly ILogger<CallEngine> _logger;
    private readonly ConcurrentDictionary<string, EmulatedCall> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<string> _ended = new();

    public CallEngine(
        IOptions<EmulatorOptions> options, CallFlows flows, CallWork work, WebRtcStore store, HostAddress host, TimeProvider clock,
        ILogger<CallEngine> logger)
    {
        _options = options.Value;
        _flows = flows;
        _work = work;
        _store = store;
        _host = host;
        _clock = clock;
        _logger = logger;
        _flows.Changed += OnChanged;
        _flows.Ended += Forget;
        _store.Changed += OnStoreChanged;
    }

    /// <summary>Raised after any change to a call; handlers must not block.</summary>
    public event Action<EmulatedCall>? Changed;

    public IReadOnlyList<EmulatedCall> Calls => [.. _calls.Values.OrderBy(call => call.StartTime)];

    public EmulatedCall? Find(string callId) => _calls.GetValueOrDefault(callId);

    /// <summary>Calls not ended yet, inbound and outbound: what Bandwidth's active-call limit counts.</summary>
    public int ActiveCallCount => _calls.Values.Count(call => call.Phase != CallPhase.Completed);

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
        _work.Run(call, _flows.InitiateAsync(call));
        return call;
    }

    /// <summary><c>createCall</c>: the call rings the simulated phone until answered, declined or out of time.</summary>
    public EmulatedCall PlaceCall(string from, string to, CallCallbacks callbacks, TimeSpan ringTimeout)
    {
        var call = new EmulatedCall(CallDirection.Outbound, from, to, _clock.GetUtcNow()) { Callbacks = callbacks };
        Track(call);
        Log.Placed(_logger, call.CallId, to);
        _work.Run(call, IsSimulatedPhone(to)
            ? RingAsync(call, ringTimeout)
            : _flows.EndAsync(call, "error", $"The emulator has no phone at {to}; call one of {string.Join(", ", _options.PhoneNumbers)}."));
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
        _work.Run(call, _flows.AnswerAsync(call));
        return true;
    }

    /// <summary>The simulated phone declines a call that rings it; false once it stopped ringing.</summary>
    public bool Decline(string callId) =>
        Find(callId) is { Direction: CallDirection.Outbound } call && End(call, phase => phase == CallPhase.Ringing ? "rejected" : null);

    /// <summary>
    /// The phone's user hangs up. A caller who gives up before the app answers cancels the call, as Bandwidth reports it.
    /// </summary>
    public bool HangUp(string callId) =>
        Find(callId) is { } call &&
        End(call, phase => call.Direction == CallDirection.Inbound && phase == CallPhase.Ringing ? "cancel" : "hangup");

    /// <summary><c>updateCall</c> with <c>completed</c>: hang up, cancel an unanswered outbound call, reject an unanswered inbound one.</summary>
    public bool Complete(string callId) =>
        Find(callId) is { } call &&
        End(call, phase => phase != CallPhase.Ringing ? "hangup" : call.Direction == CallDirection.Outbound ? "cancel" : "rejected");

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

    /// <summary>updateCall with <c>state: active</c>: see <see cref="CallFlows.RedirectAsync"/>.</summary>
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
        _work.Run(call, _flows.RedirectAsync(call, target, fallback));
        return RedirectResult.Redirected;
    }

    public void Dispose()
    {
        _store.Changed -= OnStoreChanged;
        _flows.Ended -= Forget;
        _flows.Changed -= OnChanged;
    }

    private void Track(EmulatedCall call)
    {
        _calls[call.CallId] = call;
        Changed?.Invoke(call);
    }

    /// <summary>
    /// Ends the call with the cause <paramref name="causeFor"/> gives for its phase when it ends, in one step: a cause
    /// read from the phase before ending would be wrong for a call answered in between.
    /// </summary>
    private bool End(EmulatedCall call, Func<CallPhase, string?> causeFor)
    {
        if (!call.TryEnd(causeFor, null, _clock.GetUtcNow()))
        {
            return false;
        }
        _work.Run(call, _flows.WrapUpAsync(call));
        return true;
    }

    private async Task RingAsync(EmulatedCall call, TimeSpan ringTimeout)
    {
        using var ringing = CancellationTokenSource.CreateLinkedTokenSource(call.Ended, _work.Stopping);
        try
        {
            await Task.Delay(ringTimeout, _clock, ringing.Token);
        }
        catch (OperationCanceledException)
        {
            return; // ended before it timed out, or the emulator stops
        }
        End(call, phase => phase == CallPhase.Ringing ? "timeout" : null);
    }

    /// <summary>
    /// Bandwidth drops the WebRTC leg of a participant the app deletes: the Transfer's leg ends (hangup), and the call goes
    /// on as its BXML says (transferComplete, the verbs after the Transfer, or a hang-up when there are none).
    /// </summary>
    private void OnStoreChanged(WebRtcChange change)
    {
        if (change.Kind != WebRtcChangeKind.ParticipantDeleted)
        {
            return;
        }
        foreach (var call in _calls.Values.Where(call => call.Phase == CallPhase.Transferred && call.ParticipantId == change.ParticipantId))
        {
            if (call.Leg is { } leg && leg.ParticipantId == change.ParticipantId)
            {
                leg.TryEnd("hangup", null, _clock.GetUtcNow());
            }
        }
    }

    private void OnChanged(EmulatedCall call) => Changed?.Invoke(call);

    /// <summary>Ended calls stay visible for a while; beyond <see cref="EndedCallsKept"/> the oldest are forgotten.</summary>
    private void Forget(EmulatedCall call)
    {
        _ended.Enqueue(call.CallId);
        while (_ended.Count > EndedCallsKept && _ended.TryDequeue(out var oldest))
        {
            _calls.TryRemove(oldest, out _);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9901, Level = LogLevel.Information, Message = "Call {CallId}: {From} dials the app")]
        public static partial void DialIn(ILogger logger, string callId, string from);

        [LoggerMessage(EventId = 9902, Level = LogLevel.Information, Message = "Call {CallId}: the app calls {To}")]
        public static partial void Placed(ILogger logger, string callId, string to);
    }
}

internal enum RedirectResult
{
    Redirected,
    NotFound,
    NotAnswered,
}

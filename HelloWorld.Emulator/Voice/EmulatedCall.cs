using System.Security.Cryptography;
using System.Text.Json.Serialization;

namespace HelloWorld.Emulator.Voice;

/// <summary>A Voice call as the emulator tracks it: who, which way, where it is, and everything said and posted.</summary>
internal sealed class EmulatedCall
{
    private readonly Lock _gate = new();
    private readonly List<string> _heard = [];
    private readonly List<WebhookRecord> _webhooks = [];
    private readonly CancellationTokenSource _ended = new();
    private CancellationTokenSource? _document;
    private bool _retagged;
    private string? _tag;
    private TransferLeg? _leg;

    public EmulatedCall(CallDirection direction, string from, string to, DateTimeOffset now)
    {
        CallId = NewCallId();
        Direction = direction;
        From = from;
        To = to;
        StartTime = now;
        Ended = _ended.Token; // kept: the token outlives its source, which the call's end disposes
    }

    public string CallId { get; }

    public CallDirection Direction { get; }

    public string From { get; }

    public string To { get; }

    public DateTimeOffset StartTime { get; }

    public CallPhase Phase { get; private set; } = CallPhase.Ringing;

    public DateTimeOffset? AnswerTime { get; private set; }

    public DateTimeOffset? EndTime { get; private set; }

    public string? Cause { get; private set; }

    public string? ErrorMessage { get; private set; }

    /// <summary>Bandwidth's id of the error event, when the call ended with an error: the same in every answer about it.</summary>
    public string? ErrorId { get; private set; }

    /// <summary>Where the call's webhooks go and how (createCall's settings, or the Voice application's for a dial-in).</summary>
    public required CallCallbacks Callbacks { get; init; }

    public string? ParticipantId { get; private set; }

    /// <summary>The leg of the call's latest Transfer, if it ran one.</summary>
    public TransferLeg? Leg
    {
        get
        {
            lock (_gate)
            {
                return _leg;
            }
        }
    }

    public bool Echo { get; set; }

    public Signaling.IVirtualDevice? Device { get; private set; }

    /// <summary>Cancelled once the call ends; ends what waits for the end (the ring timer, BXML execution).</summary>
    public CancellationToken Ended { get; }

    /// <summary>The call's tag as webhooks carry it: createCall's, until an updateCall sets or clears it.</summary>
    public string? Tag
    {
        get
        {
            lock (_gate)
            {
                return _retagged ? _tag : Callbacks.Tag;
            }
        }
    }

    public IReadOnlyList<string> Heard
    {
        get
        {
            lock (_gate)
            {
                return [.. _heard];
            }
        }
    }

    public IReadOnlyList<WebhookRecord> Webhooks
    {
        get
        {
            lock (_gate)
            {
                return [.. _webhooks];
            }
        }
    }

    /// <summary>Moves the call on; false when it already ended (the transition lost a race with a hang-up).</summary>
    public bool TryMove(CallPhase phase, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (Phase == CallPhase.Completed || phase <= Phase)
            {
                return false;
            }
            Phase = phase;
            if (phase is CallPhase.Answered or CallPhase.Transferred)
            {
                AnswerTime ??= now;
            }
            return true;
        }
    }

    public bool TryEnd(string cause, string? errorMessage, DateTimeOffset now) => TryEnd(_ => cause, errorMessage, now);

    /// <summary>
    /// Ends the call with the cause <paramref name="causeFor"/> gives for its phase, or not at all when it gives none:
    /// decided under the lock every transition takes, so a call answered meanwhile is not ended as if still ringing.
    /// False when it already ended or <paramref name="causeFor"/> gave no cause.
    /// </summary>
    public bool TryEnd(Func<CallPhase, string?> causeFor, string? errorMessage, DateTimeOffset now)
    {
        CancellationTokenSource? document;
        lock (_gate)
        {
            if (Phase == CallPhase.Completed || causeFor(Phase) is not { } cause)
            {
                return false;
            }
            Phase = CallPhase.Completed;
            Cause = cause;
            ErrorMessage = errorMessage;
            ErrorId = errorMessage is null ? null : Guid.NewGuid().ToString();
            EndTime = now;
            document = _document;
            _document = null;
        }
        _ended.Cancel(); // the document's token with it: it is linked to this one
        document?.Dispose();
        _ended.Dispose();
        return true;
    }

    /// <summary>
    /// Moves the call into WebRTC as <paramref name="participantId"/>: both at once, so whoever sees the call transferred
    /// also sees whose participant it is (a deletion of that participant must find the call). False when it already ended.
    /// </summary>
    public bool TryTransfer(string participantId, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (Phase is CallPhase.Completed or CallPhase.Transferred)
            {
                return false;
            }
            Phase = CallPhase.Transferred;
            ParticipantId = participantId;
            AnswerTime ??= now;
            return true;
        }
    }

    /// <summary>An empty tag clears it, as updateCall's <c>tag=""</c> does.</summary>
    public void Retag(string tag)
    {
        lock (_gate)
        {
            _retagged = true;
            _tag = tag.Length == 0 ? null : tag;
        }
    }

    /// <summary>
    /// Starts a new BXML document (an answer, or a redirect's): the one running is interrupted, as Bandwidth interrupts
    /// the current verb when a call is redirected. The token ends with this document, with the call, or when
    /// <paramref name="stopping"/> says the emulator stops.
    /// </summary>
    public CancellationToken BeginDocument(CancellationToken stopping)
    {
        CancellationTokenSource? previous;
        CancellationToken token;
        lock (_gate)
        {
            if (Phase == CallPhase.Completed)
            {
                return new CancellationToken(canceled: true);
            }
            var document = CancellationTokenSource.CreateLinkedTokenSource(Ended, stopping);
            token = document.Token; // here: once the lock is released, the call's end may dispose the source
            previous = _document;
            _document = document;
        }
        // Its token may still be held by the flow it interrupts: a disposed source's token still reads as cancelled.
        previous?.Cancel();
        previous?.Dispose();
        return token;
    }

    /// <summary>
    /// A redirected call leaves WebRTC: back to answered, without its participant; the caller disposes the device it
    /// gets. False when the call is not in WebRTC.
    /// </summary>
    public bool TryLeaveWebRtc(out Signaling.IVirtualDevice? device)
    {
        lock (_gate)
        {
            device = null;
            if (Phase != CallPhase.Transferred)
            {
                return false;
            }
            Phase = CallPhase.Answered;
            ParticipantId = null;
            device = Device;
            Device = null;
            return true;
        }
    }

    public void Transfers(TransferLeg leg)
    {
        lock (_gate)
        {
            _leg = leg;
        }
    }

    public void Joined(Signaling.IVirtualDevice device)
    {
        lock (_gate)
        {
            Device = device;
        }
    }

    public Signaling.IVirtualDevice? TakeDevice()
    {
        lock (_gate)
        {
            var device = Device;
            Device = null;
            return device;
        }
    }

    public void Hear(string sentence)
    {
        lock (_gate)
        {
            _heard.Add(sentence);
        }
    }

    public void Record(WebhookRecord webhook)
    {
        lock (_gate)
        {
            _webhooks.Add(webhook);
        }
    }

    /// <summary>For test failures and debugging: which call, which way, where it is.</summary>
    public override string ToString() => $"{CallId} ({Direction}, {Phase}{(Cause is null ? "" : $": {Cause}")})";

    /// <summary>Shaped like Bandwidth's: <c>c-15ac29a2-1331029c-2cb0-4a07-b215-b22865662d85</c>.</summary>
    private static string NewCallId() => $"c-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}-{Guid.NewGuid():D}";
}

/// <summary>Which way a call goes, as voice.yml's <c>direction</c> writes it: <c>inbound</c> to the app's number, <c>outbound</c> from it.</summary>
[JsonConverter(typeof(JsonStringEnumConverter<CallDirection>))]
internal enum CallDirection
{
    [JsonStringEnumMemberName("inbound")]
    Inbound,

    [JsonStringEnumMemberName("outbound")]
    Outbound,
}

internal enum CallPhase
{
    Ringing,
    Answered,
    Transferred,
    Completed,
}

/// <summary>Where a call's webhooks go and how: createCall's settings, or the Voice application's for a dial-in.</summary>
/// <param name="AnswerUrl">Where the synchronous webhook (initiate or answer) goes.</param>
/// <param name="DisconnectUrl">Where the disconnect webhook goes; <c>null</c> means none.</param>
/// <param name="AnswerFallbackUrl">Where the synchronous webhook goes again when <paramref name="AnswerUrl"/> fails.</param>
internal sealed record CallCallbacks(
    string AnswerUrl, string? DisconnectUrl, string? Username, string? Password, string? Tag, TimeSpan Timeout, string ApplicationId,
    string AnswerMethod = "POST", string DisconnectMethod = "POST",
    string? AnswerFallbackUrl = null, string AnswerFallbackMethod = "POST", string? FallbackUsername = null, string? FallbackPassword = null)
{
    public WebhookTarget Answer => new(AnswerUrl, AnswerMethod, Username, Password);

    public WebhookTarget? AnswerFallback => AnswerFallbackUrl is null ? null : new(AnswerFallbackUrl, AnswerFallbackMethod, FallbackUsername, FallbackPassword);

    public WebhookTarget? Disconnect => DisconnectUrl is null ? null : new(DisconnectUrl, DisconnectMethod, Username, Password);
}

/// <param name="Method"><c>POST</c> or <c>GET</c>.</param>
/// <param name="Status">The HTTP status the app answered, 0 when it did not answer.</param>
/// <param name="Bxml">The BXML the app answered to a synchronous webhook.</param>
internal sealed record WebhookRecord(
    string EventType, string Url, string Method, int Status, double DurationMs, DateTimeOffset At, bool Authenticated, string? Bxml, string? Error)
{
    /// <summary>No answer, or not a 2xx one: what makes Bandwidth try the fallback URL.</summary>
    [JsonIgnore]
    public bool Failed => Status is < 200 or > 299;
}

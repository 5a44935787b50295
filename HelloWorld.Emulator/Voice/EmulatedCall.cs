using System.Security.Cryptography;

namespace HelloWorld.Emulator.Voice;

/// <summary>A Voice call as the emulator tracks it: who, which way, where it is, and everything said and posted.</summary>
internal sealed class EmulatedCall
{
    private readonly Lock _gate = new();
    private readonly List<string> _heard = [];
    private readonly List<WebhookRecord> _webhooks = [];

    public EmulatedCall(string direction, string from, string to, DateTimeOffset now)
    {
        CallId = NewCallId();
        Direction = direction;
        From = from;
        To = to;
        StartTime = now;
    }

    public string CallId { get; }

    public string Direction { get; }

    public string From { get; }

    public string To { get; }

    public DateTimeOffset StartTime { get; }

    public CallPhase Phase { get; private set; } = CallPhase.Ringing;

    public DateTimeOffset? AnswerTime { get; private set; }

    public DateTimeOffset? EndTime { get; private set; }

    public string? Cause { get; private set; }

    public string? ErrorMessage { get; private set; }

    /// <summary>Where the call's webhooks go and how (createCall's settings, or the Voice application's for a dial-in).</summary>
    public required CallCallbacks Callbacks { get; init; }

    public string? ParticipantId { get; private set; }

    public bool Echo { get; set; }

    public Signaling.IVirtualDevice? Device { get; private set; }

    /// <summary>Set once the call ends; completes what waits for the end (the ring timer, BXML execution).</summary>
    public CancellationTokenSource Ended { get; } = new();

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

    public bool TryEnd(string cause, string? errorMessage, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (Phase == CallPhase.Completed)
            {
                return false;
            }
            Phase = CallPhase.Completed;
            Cause = cause;
            ErrorMessage = errorMessage;
            EndTime = now;
        }
        Ended.Cancel();
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

    /// <summary>Shaped like Bandwidth's: <c>c-15ac29a2-1331029c-2cb0-4a07-b215-b22865662d85</c>.</summary>
    private static string NewCallId() => $"c-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}-{Guid.NewGuid():D}";
}

internal enum CallPhase
{
    Ringing,
    Answered,
    Transferred,
    Completed,
}

/// <param name="AnswerUrl">Where the synchronous webhook (initiate or answer) goes.</param>
/// <param name="DisconnectUrl">Where the disconnect webhook goes; <c>null</c> means none.</param>
internal sealed record CallCallbacks(
    string AnswerUrl, string? DisconnectUrl, string? Username, string? Password, string? Tag, TimeSpan Timeout, string ApplicationId);

/// <param name="Status">The HTTP status the app answered, 0 when it did not answer.</param>
/// <param name="Bxml">The BXML the app answered to a synchronous webhook.</param>
internal sealed record WebhookRecord(
    string EventType, string Url, int Status, double DurationMs, DateTimeOffset At, bool Authenticated, string? Bxml, string? Error);

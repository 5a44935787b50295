using System.Security.Cryptography;

namespace HelloWorld.Emulator.Voice;

/// <summary>
/// The new leg a <c>&lt;Transfer&gt;</c> starts (Bandwidth's B-leg): its own call id, to the SIP URI, ringing until the
/// WebRTC platform answers it, then bridged to the call that ran the Transfer until one side ends it. What transferAnswer,
/// transferDisconnect and transferComplete report.
/// </summary>
internal sealed class TransferLeg
{
    private readonly Lock _gate = new();
    private readonly CancellationTokenSource _ended = new();

    public TransferLeg(string parentCallId, string transferTo, string transferCallerId, string? tag, DateTimeOffset now)
    {
        CallId = $"c-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4))}-{Guid.NewGuid():D}";
        ParentCallId = parentCallId;
        TransferTo = transferTo;
        TransferCallerId = transferCallerId;
        Tag = tag;
        StartTime = now;
        Ended = _ended.Token;
    }

    public string CallId { get; }

    public string ParentCallId { get; }

    public string TransferTo { get; }

    public string TransferCallerId { get; }

    /// <summary>The tag of the leg's webhooks: the SipUri's, or the call's when the SipUri has none.</summary>
    public string? Tag { get; }

    public DateTimeOffset StartTime { get; }

    public DateTimeOffset? AnswerTime { get; private set; }

    public DateTimeOffset? EndTime { get; private set; }

    public string? Cause { get; private set; }

    public string? ErrorMessage { get; private set; }

    /// <summary>The participant the leg joined WebRTC as, once answered.</summary>
    public string? ParticipantId { get; private set; }

    /// <summary>Cancelled once the leg ended, whoever ended it.</summary>
    public CancellationToken Ended { get; }

    public string State
    {
        get
        {
            lock (_gate)
            {
                return EndTime is not null ? "completed" : AnswerTime is not null ? "answered" : "ringing";
            }
        }
    }

    public bool TryAnswer(string participantId, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (EndTime is not null)
            {
                return false;
            }
            AnswerTime = now;
            ParticipantId = participantId;
            return true;
        }
    }

    /// <summary>Ends the leg with <paramref name="cause"/>; false when it had ended already (the first cause stands).</summary>
    public bool TryEnd(string cause, string? errorMessage, DateTimeOffset now)
    {
        lock (_gate)
        {
            if (EndTime is not null)
            {
                return false;
            }
            EndTime = now;
            Cause = cause;
            ErrorMessage = errorMessage;
        }
        _ended.Cancel();
        return true;
    }
}

using System.Buffers.Binary;
using System.Security.Cryptography;

namespace HelloWorld.Emulator.Media.Rtp;

/// <summary>
/// Rewrites a forwarded stream into one subscriber's view: its own SSRC, and sequence numbers and timestamps that run on
/// without a jump when the packets' source changes (another SSRC upstream, or a source that restarted). A receiver drops
/// or stalls on a jump, so continuity is what keeps audio flowing.
/// </summary>
internal sealed class RtpRewriter(uint outSsrc, int clockRate, TimeProvider clock)
{
    private bool _started;
    private uint _inSsrc;
    private ushort _sequenceOffset;
    private uint _timestampOffset;
    private ushort _lastSequence;
    private uint _lastTimestamp;
    private long _lastSentAt;

    public uint OutSsrc => outSsrc;

    /// <summary>Timestamp offset applied to the current source, for rewriting its sender reports.</summary>
    public uint TimestampOffset => _timestampOffset;

    public long PacketsSent { get; private set; }

    public long OctetsSent { get; private set; }

    /// <summary>Rewrites the RTP header of <paramref name="packet"/> in place; <paramref name="now"/> is the clock's timestamp.</summary>
    public void Rewrite(Span<byte> packet, int payloadLength, long now)
    {
        var inSsrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
        var inSequence = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        var inTimestamp = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
        if (!_started || inSsrc != _inSsrc)
        {
            ushort nextSequence;
            uint nextTimestamp;
            if (_started)
            {
                // Continue where this subscriber's stream left off, as if the gap were silence.
                var elapsedSamples = (uint)Math.Max(1, clock.GetElapsedTime(_lastSentAt, now).TotalSeconds * clockRate);
                nextSequence = (ushort)(_lastSequence + 1);
                nextTimestamp = _lastTimestamp + elapsedSamples;
            }
            else
            {
                nextSequence = (ushort)RandomNumberGenerator.GetInt32(0, 0x8000);
                nextTimestamp = (uint)RandomNumberGenerator.GetInt32(int.MaxValue);
            }
            _sequenceOffset = (ushort)(nextSequence - inSequence);
            _timestampOffset = nextTimestamp - inTimestamp;
            _inSsrc = inSsrc;
            _started = true;
        }
        var sequence = (ushort)(inSequence + _sequenceOffset);
        var timestamp = inTimestamp + _timestampOffset;
        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], sequence);
        BinaryPrimitives.WriteUInt32BigEndian(packet[4..], timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(packet[8..], outSsrc);
        if ((short)(sequence - _lastSequence) > 0 || PacketsSent == 0)
        {
            _lastSequence = sequence;
            _lastTimestamp = timestamp;
            _lastSentAt = now;
        }
        PacketsSent++;
        OctetsSent += payloadLength;
    }
}

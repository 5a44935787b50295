using System.Buffers.Binary;

namespace HelloWorld.Emulator.Media.Rtp;

/// <summary>Reads and writes the fixed RTP header (RFC 3550 §5.1).</summary>
internal static class RtpPacket
{
    public const int HeaderLength = 12;

    public static bool IsValid(ReadOnlySpan<byte> packet) => packet.Length >= HeaderLength && packet[0] >> 6 == 2;

    public static byte PayloadType(ReadOnlySpan<byte> packet) => (byte)(packet[1] & 0x7F);

    public static void SetPayloadType(Span<byte> packet, byte payloadType) => packet[1] = (byte)((packet[1] & 0x80) | payloadType);

    public static bool Marker(ReadOnlySpan<byte> packet) => (packet[1] & 0x80) != 0;

    public static ushort SequenceNumber(ReadOnlySpan<byte> packet) => BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);

    public static uint Timestamp(ReadOnlySpan<byte> packet) => BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);

    public static uint Ssrc(ReadOnlySpan<byte> packet) => BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);

    /// <summary>The payload after the header, its CSRCs and extension, without padding; empty when malformed.</summary>
    public static ReadOnlySpan<byte> Payload(ReadOnlySpan<byte> packet)
    {
        var headerLength = Srtp.SrtpContext.RtpHeaderLength(packet);
        if (headerLength < 0)
        {
            return [];
        }
        var end = packet.Length;
        if ((packet[0] & 0x20) != 0 && end > headerLength)
        {
            end -= packet[^1];
        }
        return end > headerLength ? packet[headerLength..end] : [];
    }

    /// <summary>Writes a header with no CSRCs or extension.</summary>
    public static void WriteHeader(Span<byte> packet, byte payloadType, bool marker, ushort sequence, uint timestamp, uint ssrc)
    {
        packet[0] = 0x80;
        packet[1] = (byte)((marker ? 0x80 : 0) | payloadType);
        BinaryPrimitives.WriteUInt16BigEndian(packet[2..], sequence);
        BinaryPrimitives.WriteUInt32BigEndian(packet[4..], timestamp);
        BinaryPrimitives.WriteUInt32BigEndian(packet[8..], ssrc);
    }
}

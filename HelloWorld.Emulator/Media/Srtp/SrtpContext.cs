using System.Buffers.Binary;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace HelloWorld.Emulator.Media.Srtp;

/// <summary>
/// One direction of SRTP and SRTCP with <c>SRTP_AES128_CM_HMAC_SHA1_80</c> (RFC 3711, the only profile WebRTC requires):
/// AES counter mode, a 10-byte HMAC-SHA1 tag, the rollover counter and a 64-packet replay window per SSRC.
/// Packets are transformed in place in the caller's buffer, with scratch space allocated once per thread: no allocation per packet.
/// Keyed state is made once for the context's life: AES round keys (<see cref="AesCounterMode"/>) and the HMAC's hashed
/// pads (<see cref="HmacSha1"/>), so a packet costs its counter blocks and four SHA-1 blocks (bench/README.md has the figures).
/// A lock serialises callers (the relay thread and timers may send through the same context), and makes disposal safe
/// while another thread is using the context: once disposed it refuses every packet. The lock is a field of the context
/// (<see cref="SpinGate"/>), taken and released inline.
/// </summary>
internal sealed class SrtpContext : IDisposable
{
    public const int KeyLength = 16;
    public const int SaltLength = 14;
    public const int AuthTagLength = 10;
    public const int SrtcpIndexLength = 4;
    private const int MaxPacketLength = 2048;

    private const int RolloverCounterLength = 4;
    private const int HmacLength = 20;

    // The keyed state is held in the context itself, not in objects of its own: the AES round keys, the HMAC's hashed
    // pads and the salt are structs, so that a packet arriving after milliseconds of other work fetches one object's
    // few adjacent cache lines rather than seven objects from wherever the heap put them (bench/README.md).
    private SpinGate _gate;
    private readonly AesCounterMode _rtpCipher;
    private readonly HmacSha1 _rtpAuth;
    private readonly Vector128<byte> _rtpSalt;
    private readonly AesCounterMode _rtcpCipher;
    private readonly HmacSha1 _rtcpAuth;
    private readonly Vector128<byte> _rtcpSalt;
    private readonly Dictionary<uint, ReceivedStream> _received = [];
    private readonly Dictionary<uint, SentStream> _sent = [];
    // The stream of the last packet each way: nearly always the next packet's too, found without the dictionary.
    private ReceivedStream? _lastReceived;
    private SentStream? _lastSent;
    private readonly Dictionary<uint, ReplayWindow> _receivedRtcp = [];
    private uint _sentRtcpIndex;
    private bool _disposed;

    public SrtpContext(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
    {
        if (masterKey.Length != KeyLength || masterSalt.Length != SaltLength)
        {
            throw new ArgumentException("SRTP_AES128_CM_HMAC_SHA1_80 takes a 16-byte master key and a 14-byte master salt.");
        }
        _rtpCipher = new AesCounterMode(DeriveSessionKey(masterKey, masterSalt, 0, KeyLength), MaxPacketLength);
        _rtpAuth = new HmacSha1(DeriveSessionKey(masterKey, masterSalt, 1, 20));
        _rtpSalt = SaltBlock(DeriveSessionKey(masterKey, masterSalt, 2, SaltLength));
        _rtcpCipher = new AesCounterMode(DeriveSessionKey(masterKey, masterSalt, 3, KeyLength), MaxPacketLength);
        _rtcpAuth = new HmacSha1(DeriveSessionKey(masterKey, masterSalt, 4, 20));
        _rtcpSalt = SaltBlock(DeriveSessionKey(masterKey, masterSalt, 5, SaltLength));
    }

    /// <summary>
    /// RFC 3711 §4.3 with a key derivation rate of 0: the session key for <paramref name="label"/> is the AES-CM keystream
    /// under the master key, starting at IV = (label·2^48 XOR master salt)·2^16.
    /// </summary>
    public static byte[] DeriveSessionKey(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, byte label, int length)
    {
        Span<byte> iv = stackalloc byte[AesCounterMode.BlockLength];
        masterSalt.CopyTo(iv);
        iv[7] ^= label;
        using var cipher = new AesCounterMode(masterKey, length);
        var key = new byte[length];
        cipher.KeyStream(iv, key);
        return key;
    }

    /// <summary>Encrypts and signs the plain RTP packet in <paramref name="packet"/>[..<paramref name="length"/>]; returns the SRTP length.</summary>
    public int ProtectRtp(Span<byte> packet, int length)
    {
        var headerLength = length <= packet.Length ? RtpHeaderLength(packet[..length]) : -1;
        if (headerLength < 0 || length + AuthTagLength > packet.Length || length > MaxPacketLength)
        {
            return -1;
        }
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
        var sequence = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        _gate.Enter();
        try
        {
            if (_disposed)
            {
                return -1;
            }
            var stream = _lastSent is { } last && last.Ssrc == ssrc ? last : _sent.GetValueOrDefault(ssrc);
            var known = stream is not null;
            if (stream is null)
            {
                stream = new SentStream(ssrc);
                _sent[ssrc] = stream;
            }
            _lastSent = stream;
            // A relay sends packets in the order they arrived, which is not always the order they were numbered: a late
            // packet from before a wrap belongs to the previous rollover, and only a newer packet moves the count on
            // (the receiver's estimate of RFC 3711 Appendix A, applied here so both ends agree on every index).
            var rolloverCounter = known ? EstimateRolloverCounter(stream.RolloverCounter, stream.HighestSequence, sequence) : 0u;
            var index = ((ulong)rolloverCounter << 16) | sequence;
            if (!known || index > (((ulong)stream.RolloverCounter << 16) | stream.HighestSequence))
            {
                stream.RolloverCounter = rolloverCounter;
                stream.HighestSequence = sequence;
            }
            Crypt(in _rtpCipher, _rtpSalt, ssrc, index, packet[headerLength..length]);
            // The tag covers the packet and then the rollover counter: written where the tag goes, hashed with the
            // packet in one update, then overwritten by the tag.
            BinaryPrimitives.WriteUInt32BigEndian(packet[length..], rolloverCounter);
            Span<byte> hmac = stackalloc byte[HmacLength];
            Authenticate(in _rtpAuth, packet[..(length + RolloverCounterLength)], hmac);
            Tag.Read(hmac).Write(packet[length..]);
        }
        finally
        {
            _gate.Exit();
        }
        return length + AuthTagLength;
    }

    /// <summary>
    /// Checks and decrypts the SRTP packet in place; returns the plain RTP length, or -1 when it is malformed, forged
    /// (the tag does not match) or replayed. A refused packet is left as it was.
    /// </summary>
    public int UnprotectRtp(Span<byte> packet, int length)
    {
        var authenticated = length - AuthTagLength;
        if (authenticated < 12 || length > MaxPacketLength || length > packet.Length)
        {
            return -1;
        }
        var headerLength = RtpHeaderLength(packet[..authenticated]);
        if (headerLength < 0)
        {
            return -1;
        }
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
        var sequence = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        _gate.Enter();
        try
        {
            if (_disposed)
            {
                return -1;
            }
            // A stream is remembered only once a packet of it has authenticated: forged SSRCs leave nothing behind.
            var stream = _lastReceived is { } last && last.Ssrc == ssrc ? last : _received.GetValueOrDefault(ssrc);
            var known = stream is not null;
            var rolloverCounter = stream is not null ? EstimateRolloverCounter(stream.RolloverCounter, stream.HighestSequence, sequence) : 0u;
            var index = ((ulong)rolloverCounter << 16) | sequence;
            if (stream is not null && !stream.Replay.MayAccept(index))
            {
                return -1;
            }
            // As when protecting, the rollover counter goes where the tag is, for one HMAC update; the tag is put back after.
            var tag = Tag.Read(packet[authenticated..]);
            BinaryPrimitives.WriteUInt32BigEndian(packet[authenticated..], rolloverCounter);
            Span<byte> hmac = stackalloc byte[HmacLength];
            Authenticate(in _rtpAuth, packet[..(authenticated + RolloverCounterLength)], hmac);
            tag.Write(packet[authenticated..]);
            if (!Tag.Read(hmac).Matches(tag))
            {
                return -1;
            }
            Crypt(in _rtpCipher, _rtpSalt, ssrc, index, packet[headerLength..authenticated]);
            if (stream is null)
            {
                stream = new ReceivedStream(ssrc);
                _received[ssrc] = stream;
            }
            _lastReceived = stream;
            if (!known || index > stream.Replay.Highest)
            {
                stream.RolloverCounter = rolloverCounter;
                stream.HighestSequence = sequence;
            }
            stream.Replay.Accept(index, first: !known);
        }
        finally
        {
            _gate.Exit();
        }
        return authenticated;
    }

    /// <summary>Encrypts and signs a plain RTCP (compound) packet in place; returns the SRTCP length.</summary>
    public int ProtectRtcp(Span<byte> packet, int length)
    {
        if (length < 8 || length + SrtcpIndexLength + AuthTagLength > packet.Length || length > MaxPacketLength)
        {
            return -1;
        }
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
        _gate.Enter();
        try
        {
            if (_disposed)
            {
                return -1;
            }
            var index = _sentRtcpIndex++ & 0x7FFFFFFF;
            Crypt(in _rtcpCipher, _rtcpSalt, ssrc, index, packet[8..length]);
            BinaryPrimitives.WriteUInt32BigEndian(packet[length..], 0x80000000 | index);
            Span<byte> hmac = stackalloc byte[HmacLength];
            Authenticate(in _rtcpAuth, packet[..(length + SrtcpIndexLength)], hmac);
            Tag.Read(hmac).Write(packet[(length + SrtcpIndexLength)..]);
        }
        finally
        {
            _gate.Exit();
        }
        return length + SrtcpIndexLength + AuthTagLength;
    }

    /// <summary>Checks and decrypts an SRTCP packet in place; returns the plain RTCP length or -1.</summary>
    public int UnprotectRtcp(Span<byte> packet, int length)
    {
        var authenticated = length - AuthTagLength;
        var plainLength = authenticated - SrtcpIndexLength;
        if (plainLength < 8 || length > MaxPacketLength || length > packet.Length)
        {
            return -1;
        }
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
        var word = BinaryPrimitives.ReadUInt32BigEndian(packet[plainLength..]);
        var index = word & 0x7FFFFFFF;
        _gate.Enter();
        try
        {
            if (_disposed)
            {
                return -1;
            }
            ref var replay = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_receivedRtcp, ssrc, out var known);
            if (known && !replay.MayAccept(index))
            {
                return -1;
            }
            Span<byte> hmac = stackalloc byte[HmacLength];
            Authenticate(in _rtcpAuth, packet[..authenticated], hmac);
            if (!Tag.Read(hmac).Matches(Tag.Read(packet[authenticated..])))
            {
                if (!known)
                {
                    _receivedRtcp.Remove(ssrc);
                }
                return -1;
            }
            if ((word & 0x80000000) != 0)
            {
                Crypt(in _rtcpCipher, _rtcpSalt, ssrc, index, packet[8..plainLength]);
            }
            replay.Accept(index, first: !known);
        }
        finally
        {
            _gate.Exit();
        }
        return plainLength;
    }

    public void Dispose()
    {
        _gate.Enter();
        try
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _rtpCipher.Dispose();
            _rtcpCipher.Dispose();
        }
        finally
        {
            _gate.Exit();
        }
    }

    /// <summary>RFC 3711 Appendix A: the rollover counter that puts <paramref name="sequence"/> closest to the highest one seen.</summary>
    public static uint EstimateRolloverCounter(uint rolloverCounter, ushort highestSequence, ushort sequence)
    {
        if (highestSequence < 0x8000)
        {
            return sequence - highestSequence > 0x8000 && rolloverCounter > 0 ? rolloverCounter - 1 : rolloverCounter;
        }
        return highestSequence - 0x8000 > sequence ? rolloverCounter + 1 : rolloverCounter;
    }

    /// <summary>The length of an RTP header with its CSRCs and extension, or -1 when the packet is shorter.</summary>
    public static int RtpHeaderLength(ReadOnlySpan<byte> packet)
    {
        if (packet.Length < 12)
        {
            return -1;
        }
        var length = 12 + 4 * (packet[0] & 0x0F);
        if ((packet[0] & 0x10) != 0)
        {
            if (packet.Length < length + 4)
            {
                return -1;
            }
            length += 4 + 4 * BinaryPrimitives.ReadUInt16BigEndian(packet[(length + 2)..]);
        }
        return length <= packet.Length ? length : -1;
    }

    /// <summary>RFC 3711 §4.1.1: IV = (salt·2^16) XOR (SSRC·2^64) XOR (index·2^16), the index being ROC·2^16 + SEQ for RTP.</summary>
    /// <param name="salt">The 14-byte session salt in the block's first bytes, the last two zero (<see cref="SaltBlock"/>).</param>
    internal static Vector128<byte> Iv(Vector128<byte> salt, uint ssrc, ulong index) =>
        // As a big-endian block: the SSRC in bytes 4–7, the 48-bit index in bytes 8–13.
        salt ^ Vector128.Create(BinaryPrimitives.ReverseEndianness((ulong)ssrc), BinaryPrimitives.ReverseEndianness(index << 16)).AsByte();

    /// <summary>The 14-byte salt as the first bytes of a counter block, the rest zero.</summary>
    internal static Vector128<byte> SaltBlock(ReadOnlySpan<byte> salt)
    {
        Span<byte> block = stackalloc byte[AesCounterMode.BlockLength];
        block.Clear();
        salt[..SaltLength].CopyTo(block);
        return Vector128.Create((ReadOnlySpan<byte>)block);
    }

    private static void Crypt(in AesCounterMode cipher, Vector128<byte> salt, uint ssrc, ulong index, Span<byte> payload)
    {
        Span<byte> iv = stackalloc byte[AesCounterMode.BlockLength];
        Iv(salt, ssrc, index).CopyTo(iv);
        cipher.Transform(iv, payload);
    }

    /// <summary>The full HMAC-SHA1 of <paramref name="authenticated"/>.</summary>
    private static void Authenticate(in HmacSha1 auth, ReadOnlySpan<byte> authenticated, Span<byte> hmac) => auth.Compute(authenticated, hmac);

    /// <summary>
    /// A 10-byte tag as two words: read, written and compared inline, in a time that does not depend on where two tags
    /// differ (as <see cref="CryptographicOperations.FixedTimeEquals"/> would, but that and a span copy are calls into the
    /// runtime's libraries, pages of code that a packet arriving after milliseconds of other work must fetch; bench/README.md).
    /// </summary>
    internal readonly struct Tag(ulong low, ushort high)
    {
        public static Tag Read(ReadOnlySpan<byte> from) =>
            new(BinaryPrimitives.ReadUInt64LittleEndian(from), BinaryPrimitives.ReadUInt16LittleEndian(from[8..]));

        public void Write(Span<byte> to)
        {
            BinaryPrimitives.WriteUInt64LittleEndian(to, low);
            BinaryPrimitives.WriteUInt16LittleEndian(to[8..], high);
        }

        public bool Matches(Tag other) => ((low ^ other.Low) | (ushort)(high ^ other.High)) == 0;

        private ulong Low => low;

        private ushort High => high;
    }

    private sealed class SentStream(uint ssrc)
    {
        public readonly uint Ssrc = ssrc;
        public uint RolloverCounter;
        public ushort HighestSequence;
    }

    private sealed class ReceivedStream(uint ssrc)
    {
        public readonly uint Ssrc = ssrc;
        public uint RolloverCounter;
        public ushort HighestSequence;
        public ReplayWindow Replay;
    }
}

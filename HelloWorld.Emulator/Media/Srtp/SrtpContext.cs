using System.Buffers.Binary;
using System.Security.Cryptography;

namespace HelloWorld.Emulator.Media.Srtp;

/// <summary>
/// One direction of SRTP and SRTCP with <c>SRTP_AES128_CM_HMAC_SHA1_80</c> (RFC 3711, the only profile WebRTC requires):
/// AES counter mode, a 10-byte HMAC-SHA1 tag, the rollover counter and a 64-packet replay window per SSRC.
/// Packets are transformed in place in the caller's buffer, with scratch space allocated once: no allocation per packet.
/// A lock serialises callers (the relay thread and timers may send through the same context), and makes disposal safe
/// while another thread is using the context: once disposed it refuses every packet.
/// </summary>
internal sealed class SrtpContext : IDisposable
{
    public const int KeyLength = 16;
    public const int SaltLength = 14;
    public const int AuthTagLength = 10;
    public const int SrtcpIndexLength = 4;
    private const int MaxPacketLength = 2048;

    private readonly Lock _gate = new();
    // ICryptoTransform rather than Aes.EncryptEcb: the one-shot API allocates a native handle per call on Linux.
    private readonly ICryptoTransform _rtpCipher;
    private readonly ICryptoTransform _rtcpCipher;
    private readonly IncrementalHash _rtpAuth;
    private readonly IncrementalHash _rtcpAuth;
    private readonly byte[] _rtpSalt;
    private readonly byte[] _rtcpSalt;
    private readonly byte[] _counters = new byte[MaxPacketLength + 16];
    private readonly byte[] _keystream = new byte[MaxPacketLength + 16];
    private readonly byte[] _tag = new byte[20];
    private readonly Dictionary<uint, ReceivedStream> _received = [];
    private readonly Dictionary<uint, SentStream> _sent = [];
    private readonly Dictionary<uint, ReplayWindow> _receivedRtcp = [];
    private uint _sentRtcpIndex;
    private bool _disposed;

    public SrtpContext(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt)
    {
        if (masterKey.Length != KeyLength || masterSalt.Length != SaltLength)
        {
            throw new ArgumentException("SRTP_AES128_CM_HMAC_SHA1_80 takes a 16-byte master key and a 14-byte master salt.");
        }
        _rtpCipher = CounterModeCipher(DeriveSessionKey(masterKey, masterSalt, 0, KeyLength));
        _rtpAuth = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, DeriveSessionKey(masterKey, masterSalt, 1, 20));
        _rtpSalt = DeriveSessionKey(masterKey, masterSalt, 2, SaltLength);
        _rtcpCipher = CounterModeCipher(DeriveSessionKey(masterKey, masterSalt, 3, KeyLength));
        _rtcpAuth = IncrementalHash.CreateHMAC(HashAlgorithmName.SHA1, DeriveSessionKey(masterKey, masterSalt, 4, 20));
        _rtcpSalt = DeriveSessionKey(masterKey, masterSalt, 5, SaltLength);
    }

    /// <summary>
    /// RFC 3711 §4.3 with a key derivation rate of 0: the session key for <paramref name="label"/> is the AES-CM keystream
    /// under the master key, starting at IV = (label·2^48 XOR master salt)·2^16.
    /// </summary>
    public static byte[] DeriveSessionKey(ReadOnlySpan<byte> masterKey, ReadOnlySpan<byte> masterSalt, byte label, int length)
    {
        Span<byte> iv = stackalloc byte[16];
        masterSalt.CopyTo(iv);
        iv[7] ^= label;
        using var cipher = CounterModeCipher(masterKey.ToArray());
        var keystream = new byte[length + 16];
        Keystream(cipher, iv, new byte[length + 16], keystream, length);
        return keystream[..length];
    }

    /// <summary>AES in ECB mode without padding: the block function counter mode runs on.</summary>
    public static ICryptoTransform CounterModeCipher(byte[] key)
    {
        using var aes = Aes.Create();
        aes.Key = key;
        aes.Mode = CipherMode.ECB;
        aes.Padding = PaddingMode.None;
        return aes.CreateEncryptor();
    }

    /// <summary>Encrypts and signs the plain RTP packet in <paramref name="packet"/>[..<paramref name="length"/>]; returns the SRTP length.</summary>
    public int ProtectRtp(Span<byte> packet, int length)
    {
        var headerLength = RtpHeaderLength(packet[..length]);
        if (headerLength < 0 || length + AuthTagLength > packet.Length || length > MaxPacketLength)
        {
            return -1;
        }
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[8..]);
        var sequence = BinaryPrimitives.ReadUInt16BigEndian(packet[2..]);
        lock (_gate)
        {
            if (_disposed)
            {
                return -1;
            }
            ref var stream = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_sent, ssrc, out var known);
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
            Crypt(_rtpCipher, _rtpSalt, ssrc, index, packet[headerLength..length]);
            Sign(_rtpAuth, packet[..length], rolloverCounter, packet.Slice(length, AuthTagLength));
        }
        return length + AuthTagLength;
    }

    /// <summary>
    /// Checks and decrypts the SRTP packet in place; returns the plain RTP length, or -1 when it is malformed, forged
    /// (the tag does not match) or replayed.
    /// </summary>
    public int UnprotectRtp(Span<byte> packet, int length)
    {
        var authenticated = length - AuthTagLength;
        if (authenticated < 12 || length > MaxPacketLength)
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
        lock (_gate)
        {
            if (_disposed)
            {
                return -1;
            }
            ref var stream = ref System.Runtime.InteropServices.CollectionsMarshal.GetValueRefOrAddDefault(_received, ssrc, out var known);
            var rolloverCounter = known ? EstimateRolloverCounter(stream.RolloverCounter, stream.HighestSequence, sequence) : 0u;
            var index = ((ulong)rolloverCounter << 16) | sequence;
            if (known && !stream.Replay.MayAccept(index))
            {
                return -1;
            }
            Sign(_rtpAuth, packet[..authenticated], rolloverCounter, _tag);
            if (!CryptographicOperations.FixedTimeEquals(_tag.AsSpan(0, AuthTagLength), packet.Slice(authenticated, AuthTagLength)))
            {
                if (!known)
                {
                    _received.Remove(ssrc);
                }
                return -1;
            }
            Crypt(_rtpCipher, _rtpSalt, ssrc, index, packet[headerLength..authenticated]);
            if (!known || index > stream.Replay.Highest)
            {
                stream.RolloverCounter = rolloverCounter;
                stream.HighestSequence = sequence;
            }
            stream.Replay.Accept(index, first: !known);
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
        lock (_gate)
        {
            if (_disposed)
            {
                return -1;
            }
            var index = _sentRtcpIndex++ & 0x7FFFFFFF;
            Crypt(_rtcpCipher, _rtcpSalt, ssrc, index, packet[8..length]);
            BinaryPrimitives.WriteUInt32BigEndian(packet[length..], 0x80000000 | index);
            _rtcpAuth.AppendData(packet[..(length + SrtcpIndexLength)]);
            _rtcpAuth.GetHashAndReset(_tag);
            _tag.AsSpan(0, AuthTagLength).CopyTo(packet[(length + SrtcpIndexLength)..]);
        }
        return length + SrtcpIndexLength + AuthTagLength;
    }

    /// <summary>Checks and decrypts an SRTCP packet in place; returns the plain RTCP length or -1.</summary>
    public int UnprotectRtcp(Span<byte> packet, int length)
    {
        var authenticated = length - AuthTagLength;
        var plainLength = authenticated - SrtcpIndexLength;
        if (plainLength < 8 || length > MaxPacketLength)
        {
            return -1;
        }
        var ssrc = BinaryPrimitives.ReadUInt32BigEndian(packet[4..]);
        var word = BinaryPrimitives.ReadUInt32BigEndian(packet[plainLength..]);
        var index = word & 0x7FFFFFFF;
        lock (_gate)
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
            _rtcpAuth.AppendData(packet[..authenticated]);
            _rtcpAuth.GetHashAndReset(_tag);
            if (!CryptographicOperations.FixedTimeEquals(_tag.AsSpan(0, AuthTagLength), packet.Slice(authenticated, AuthTagLength)))
            {
                if (!known)
                {
                    _receivedRtcp.Remove(ssrc);
                }
                return -1;
            }
            if ((word & 0x80000000) != 0)
            {
                Crypt(_rtcpCipher, _rtcpSalt, ssrc, index, packet[8..plainLength]);
            }
            replay.Accept(index, first: !known);
        }
        return plainLength;
    }

    public void Dispose()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return;
            }
            _disposed = true;
            _rtpCipher.Dispose();
            _rtcpCipher.Dispose();
            _rtpAuth.Dispose();
            _rtcpAuth.Dispose();
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

    // AES-CM (RFC 3711 §4.1.1): IV = salt·2^16 XOR SSRC·2^64 XOR index·2^16; the low 16 bits count blocks.
    private void Crypt(ICryptoTransform cipher, byte[] salt, uint ssrc, ulong index, Span<byte> payload)
    {
        Span<byte> iv = stackalloc byte[16];
        salt.CopyTo(iv);
        iv[4] ^= (byte)(ssrc >> 24);
        iv[5] ^= (byte)(ssrc >> 16);
        iv[6] ^= (byte)(ssrc >> 8);
        iv[7] ^= (byte)ssrc;
        for (var i = 0; i < 6; i++)
        {
            iv[8 + i] ^= (byte)(index >> (40 - 8 * i));
        }
        Keystream(cipher, iv, _counters, _keystream, payload.Length);
        for (var i = 0; i < payload.Length; i++)
        {
            payload[i] ^= _keystream[i];
        }
    }

    /// <summary>
    /// Writes at least <paramref name="length"/> bytes of AES-CM keystream from <paramref name="iv"/> into
    /// <paramref name="keystream"/>, using <paramref name="counters"/> for the counter blocks.
    /// </summary>
    internal static void Keystream(ICryptoTransform cipher, ReadOnlySpan<byte> iv, byte[] counters, byte[] keystream, int length)
    {
        var blocks = (length + 15) / 16;
        var first = BinaryPrimitives.ReadUInt16BigEndian(iv[14..]);
        for (var block = 0; block < blocks; block++)
        {
            var counter = counters.AsSpan(block * 16, 16);
            iv.CopyTo(counter);
            BinaryPrimitives.WriteUInt16BigEndian(counter[14..], (ushort)(first + block));
        }
        cipher.TransformBlock(counters, 0, blocks * 16, keystream, 0);
    }

    private void Sign(IncrementalHash auth, ReadOnlySpan<byte> authenticated, uint rolloverCounter, Span<byte> tag)
    {
        Span<byte> roc = stackalloc byte[4];
        BinaryPrimitives.WriteUInt32BigEndian(roc, rolloverCounter);
        auth.AppendData(authenticated);
        auth.AppendData(roc);
        auth.GetHashAndReset(_tag);
        _tag.AsSpan(0, tag.Length).CopyTo(tag);
    }

    private struct SentStream
    {
        public uint RolloverCounter;
        public ushort HighestSequence;
    }

    private struct ReceivedStream
    {
        public uint RolloverCounter;
        public ushort HighestSequence;
        public ReplayWindow Replay;
    }
}

/// <summary>RFC 3711 §3.3.2: accepts each index once, and none older than 64 behind the highest.</summary>
internal struct ReplayWindow
{
    public const int Size = 64;

    private ulong _seen;

    public ulong Highest { get; private set; }

    public readonly bool MayAccept(ulong index)
    {
        if (index > Highest)
        {
            return true;
        }
        var behind = Highest - index;
        return behind < Size && (_seen & (1UL << (int)behind)) == 0;
    }

    public void Accept(ulong index, bool first)
    {
        if (first)
        {
            Highest = index;
            _seen = 1;
        }
        else if (index > Highest)
        {
            var ahead = index - Highest;
            _seen = ahead >= Size ? 1 : (_seen << (int)ahead) | 1;
            Highest = index;
        }
        else
        {
            _seen |= 1UL << (int)(Highest - index);
        }
    }
}

using System.Buffers.Binary;
using System.Runtime.CompilerServices;
using System.Runtime.Intrinsics;
using X86 = System.Runtime.Intrinsics.X86;

namespace HelloWorld.Emulator.Media.Srtp;

/// <summary>
/// AES-128 in counter mode on the processor's AES instructions (AES-NI), for SRTP's key stream where they exist
/// (<see cref="IsSupported"/>; <see cref="AesCounterMode"/> falls back to the platform's AES elsewhere). A packet's key
/// stream is then a few dozen instructions over round keys held in the object, where the platform's AES is a call into
/// OpenSSL whose code and context, after a few milliseconds of other work, come back from memory (bench/README.md).
/// The cipher is the standard one, checked against RFC 3711's vectors and against the platform's AES.
/// A struct, so that its 176 bytes of round keys sit inside the object that holds it (the SRTP context), not in one more
/// object a packet must fetch from another place in memory.
/// </summary>
internal readonly struct HardwareAes128
{
    private const int Rounds = 10;
    private readonly RoundKeys _roundKeys;

    public HardwareAes128(ReadOnlySpan<byte> key)
    {
        if (!IsSupported || key.Length != 16)
        {
            throw new ArgumentException("AES-NI and a 16-byte key are needed.", nameof(key));
        }
        // FIPS 197 §5.2 key expansion, with AESKEYGENASSIST giving SubWord(RotWord(w)) XOR Rcon; each Rcon must be a constant.
        var k = Vector128.Create(key);
        _roundKeys = default;
        _roundKeys[0] = k;
        _roundKeys[1] = k = NextRoundKey(k, X86.Aes.KeygenAssist(k, 0x01));
        _roundKeys[2] = k = NextRoundKey(k, X86.Aes.KeygenAssist(k, 0x02));
        _roundKeys[3] = k = NextRoundKey(k, X86.Aes.KeygenAssist(k, 0x04));
        _roundKeys[4] = k = NextRoundKey(k, X86.Aes.KeygenAssist(k, 0x08));
        _roundKeys[5] = k = NextRoundKey(k, X86.Aes.KeygenAssist(k, 0x10));
        _roundKeys[6] = k = NextRoundKey(k, X86.Aes.KeygenAssist(k, 0x20));
        _roundKeys[7] = k = NextRoundKey(k, X86.Aes.KeygenAssist(k, 0x40));
        _roundKeys[8] = k = NextRoundKey(k, X86.Aes.KeygenAssist(k, 0x80));
        _roundKeys[9] = k = NextRoundKey(k, X86.Aes.KeygenAssist(k, 0x1B));
        _roundKeys[10] = NextRoundKey(k, X86.Aes.KeygenAssist(k, 0x36));
    }

    public static bool IsSupported => X86.Aes.IsSupported && X86.Sse2.IsSupported;

    /// <summary>
    /// XORs <paramref name="data"/> with the key stream AES(IV), AES(IV + 1)…, the block number added to the IV's low
    /// 16 bits (RFC 3711 §4.1.1), or writes the key stream itself when <paramref name="xor"/> is false.
    /// </summary>
    public void Apply(ReadOnlySpan<byte> iv, Span<byte> data, bool xor)
    {
        var counter = Vector128.Create(iv).AsUInt16();
        var low = BinaryPrimitives.ReadUInt16BigEndian(iv[14..]);
        var block = 0;
        var offset = 0;
        for (; offset + 16 <= data.Length; offset += 16, block++)
        {
            var keyStream = Encrypt(counter.WithElement(7, BinaryPrimitives.ReverseEndianness((ushort)(low + block))).AsByte());
            var target = data.Slice(offset, 16);
            (xor ? Vector128.Create(target) ^ keyStream : keyStream).CopyTo(target);
        }
        if (offset < data.Length)
        {
            Span<byte> last = stackalloc byte[16];
            Encrypt(counter.WithElement(7, BinaryPrimitives.ReverseEndianness((ushort)(low + block))).AsByte()).CopyTo(last);
            var tail = data[offset..];
            for (var i = 0; i < tail.Length; i++)
            {
                tail[i] = xor ? (byte)(tail[i] ^ last[i]) : last[i];
            }
        }
    }

    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private Vector128<byte> Encrypt(Vector128<byte> block)
    {
        var state = block ^ _roundKeys[0];
        for (var round = 1; round < Rounds; round++)
        {
            state = X86.Aes.Encrypt(state, _roundKeys[round]);
        }
        return X86.Aes.EncryptLast(state, _roundKeys[Rounds]);
    }

    private static Vector128<byte> NextRoundKey(Vector128<byte> key, Vector128<byte> assist)
    {
        // The previous key's four words, each XORed with all before it, then SubWord(RotWord(last word)) XOR Rcon on every word.
        key ^= X86.Sse2.ShiftLeftLogical128BitLane(key, 4);
        key ^= X86.Sse2.ShiftLeftLogical128BitLane(key, 4);
        key ^= X86.Sse2.ShiftLeftLogical128BitLane(key, 4);
        return key ^ X86.Sse2.Shuffle(assist.AsUInt32(), 0xFF).AsByte();
    }

    [InlineArray(Rounds + 1)]
    private struct RoundKeys
    {
        private Vector128<byte> _element;
    }
}

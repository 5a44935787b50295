using System.Buffers.Binary;
using System.Numerics;
using System.Runtime.CompilerServices;
using System.Security.Cryptography;

namespace HelloWorld.Emulator.Media.Srtp;

/// <summary>
/// HMAC-SHA1 (RFC 2104 over FIPS 180-4's SHA-1) for SRTP's packet tags, in managed code with the key's inner and outer
/// pads hashed once, when the key is set: a 176-byte packet then costs four SHA-1 blocks, no call out of the runtime and
/// no allocation. The platform's HMAC (<see cref="IncrementalHash"/>) measured slower per packet, most of all inside the
/// relay, where each of its calls copies a keyed OpenSSL context and finds its code cold (bench/README.md). Checked
/// against RFC 2202's vectors and against <see cref="HMACSHA1"/>. A struct, so that the 40 bytes of hashed pads sit
/// inside the object that holds it (the SRTP context) rather than in an object of their own.
/// </summary>
internal readonly struct HmacSha1
{
    public const int HashLength = 20;
    private const int BlockLength = 64;

    private readonly State _inner;
    private readonly State _outer;

    public HmacSha1(ReadOnlySpan<byte> key)
    {
        Span<byte> pad = stackalloc byte[BlockLength];
        pad.Clear();
        if (key.Length > BlockLength)
        {
            SHA1.HashData(key, pad);
        }
        else
        {
            key.CopyTo(pad);
        }
        for (var i = 0; i < BlockLength; i++)
        {
            pad[i] ^= 0x36;
        }
        var inner = State.Initial;
        Compress(ref inner, pad);
        for (var i = 0; i < BlockLength; i++)
        {
            pad[i] ^= 0x36 ^ 0x5C;
        }
        var outer = State.Initial;
        Compress(ref outer, pad);
        (_inner, _outer) = (inner, outer);
        CryptographicOperations.ZeroMemory(pad);
    }

    /// <summary>Writes the 20-byte HMAC of <paramref name="data"/> to <paramref name="mac"/>.</summary>
    public void Compute(ReadOnlySpan<byte> data, Span<byte> mac)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(mac.Length, HashLength);
        var state = _inner;
        Finish(ref state, data, BlockLength + (long)data.Length);
        Span<byte> innerHash = stackalloc byte[HashLength];
        state.WriteTo(innerHash);
        state = _outer;
        Finish(ref state, innerHash, BlockLength + HashLength);
        state.WriteTo(mac);
    }

    /// <summary>Hashes <paramref name="data"/> and SHA-1's padding for a message of <paramref name="totalLength"/> bytes.</summary>
    private static void Finish(ref State state, ReadOnlySpan<byte> data, long totalLength)
    {
        while (data.Length >= BlockLength)
        {
            Compress(ref state, data[..BlockLength]);
            data = data[BlockLength..];
        }
        // The last bytes are copied into the padded block one by one, and a fresh block is zeroed by the method itself:
        // a span copy or clear is a call into the runtime library, one more page of code for a packet to fetch.
        Span<byte> block = stackalloc byte[BlockLength];
        for (var i = 0; i < data.Length; i++)
        {
            block[i] = data[i];
        }
        block[data.Length] = 0x80;
        if (data.Length >= BlockLength - 8)
        {
            Compress(ref state, block);
            block = stackalloc byte[BlockLength];
        }
        BinaryPrimitives.WriteInt64BigEndian(block[(BlockLength - 8)..], totalLength * 8);
        Compress(ref state, block);
    }

    private static void Compress(ref State state, ReadOnlySpan<byte> block)
    {
        // The whole message schedule first, so that the rounds only read it.
        Schedule schedule = default;
        Span<uint> w = schedule;
        for (var i = 0; i < 16; i++)
        {
            w[i] = BinaryPrimitives.ReadUInt32BigEndian(block[(4 * i)..]);
        }
        for (var i = 16; i < 80; i++)
        {
            w[i] = BitOperations.RotateLeft(w[i - 3] ^ w[i - 8] ^ w[i - 14] ^ w[i - 16], 1);
        }
        uint a = state.A, b = state.B, c = state.C, d = state.D, e = state.E;
        // Four loops, one per round function, so that none of them branches on which function it is.
        var t = 0;
        for (; t < 20; t++)
        {
            Round(ref a, ref b, ref c, ref d, ref e, (d ^ (b & (c ^ d))) + 0x5A827999 + w[t]);
        }
        for (; t < 40; t++)
        {
            Round(ref a, ref b, ref c, ref d, ref e, (b ^ c ^ d) + 0x6ED9EBA1 + w[t]);
        }
        for (; t < 60; t++)
        {
            Round(ref a, ref b, ref c, ref d, ref e, ((b & c) | (d & (b | c))) + 0x8F1BBCDC + w[t]);
        }
        for (; t < 80; t++)
        {
            Round(ref a, ref b, ref c, ref d, ref e, (b ^ c ^ d) + 0xCA62C1D6 + w[t]);
        }
        state.A += a;
        state.B += b;
        state.C += c;
        state.D += d;
        state.E += e;
    }

    /// <param name="fkw">The round's f(b, c, d) + K + W[t].</param>
    [MethodImpl(MethodImplOptions.AggressiveInlining)]
    private static void Round(ref uint a, ref uint b, ref uint c, ref uint d, ref uint e, uint fkw)
    {
        var temp = BitOperations.RotateLeft(a, 5) + e + fkw;
        e = d;
        d = c;
        c = BitOperations.RotateLeft(b, 30);
        b = a;
        a = temp;
    }

    private struct State
    {
        public uint A, B, C, D, E;

        public static State Initial => new() { A = 0x67452301, B = 0xEFCDAB89, C = 0x98BADCFE, D = 0x10325476, E = 0xC3D2E1F0 };

        public readonly void WriteTo(Span<byte> hash)
        {
            BinaryPrimitives.WriteUInt32BigEndian(hash, A);
            BinaryPrimitives.WriteUInt32BigEndian(hash[4..], B);
            BinaryPrimitives.WriteUInt32BigEndian(hash[8..], C);
            BinaryPrimitives.WriteUInt32BigEndian(hash[12..], D);
            BinaryPrimitives.WriteUInt32BigEndian(hash[16..], E);
        }
    }

    [InlineArray(80)]
    private struct Schedule
    {
        private uint _element;
    }
}

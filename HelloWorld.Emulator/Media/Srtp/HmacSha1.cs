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
/// against RFC 2202's vectors and against <see cref="HMACSHA1"/>.
/// </summary>
internal sealed class HmacSha1
{
    public const int HashLength = 20;
    private const int BlockLength = 64;

    private State _inner;
    private State _outer;

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
        _inner = State.Initial;
        Compress(ref _inner, pad);
        for (var i = 0; i < BlockLength; i++)
        {
            pad[i] ^= 0x36 ^ 0x5C;
        }
        _outer = State.Initial;
        Compress(ref _outer, pad);
        CryptographicOperations.ZeroMemory(pad);
    }

    /// <summary>Writes the 20-byte HMAC of <paramref name="data"/> to <paramref name="mac"/>.</summary>
    public void Compute(ReadOnlySpan<byte> data, Span<byte> mac)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(mac.Length, HashLength);
        var state = _inner;
        Span<byte> block = stackalloc byte[BlockLength];
        Finish(ref state, data, BlockLength + (long)data.Length, block);
        Span<byte> innerHash = stackalloc byte[HashLength];
        state.WriteTo(innerHash);
        state = _outer;
        Finish(ref state, innerHash, BlockLength + HashLength, block);
        state.WriteTo(mac);
    }

    /// <summary>Hashes <paramref name="data"/> and SHA-1's padding for a message of <paramref name="totalLength"/> bytes.</summary>
    private static void Finish(ref State state, ReadOnlySpan<byte> data, long totalLength, Span<byte> block)
    {
        while (data.Length >= BlockLength)
        {
            Compress(ref state, data[..BlockLength]);
            data = data[BlockLength..];
        }
        block.Clear();
        data.CopyTo(block);
        block[data.Length] = 0x80;
        if (data.Length >= BlockLength - 8)
        {
            Compress(ref state, block);
            block.Clear();
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

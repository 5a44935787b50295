using System.Buffers.Binary;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace HelloWorld.Emulator.Media.Srtp;

/// <summary>
/// AES in counter mode as RFC 3711 §4.1.1 runs it: the key stream is AES of the counter blocks IV, IV + 1, IV + 2…, the
/// block number counted in the IV's low 16 bits (which SRTP leaves zero, and no packet has 2^16 blocks). On a processor
/// with AES instructions the blocks are encrypted by <see cref="HardwareAes128"/>; elsewhere all of a packet's blocks
/// go in one call to the platform's AES. Not thread-safe: the owning context serialises callers. A struct, held inside
/// the SRTP context with the round keys in it; pass it by reference (<c>in</c>), never by value.
/// </summary>
internal readonly struct AesCounterMode : IDisposable
{
    public const int BlockLength = 16;

    // ICryptoTransform rather than Aes.EncryptEcb: on Linux the one-shot creates and keys a native cipher context per
    // call, which measures several times slower for one packet's blocks (bench/README.md).
    private readonly ICryptoTransform? _aes;
    private readonly HardwareAes128 _hardware;
    private readonly bool _useHardware;
    private readonly int _maxLength;

    // Scratch for the counter blocks and the key stream, one pair per thread rather than per context: the relay's thread
    // protects a packet for fifty subscribers in a row, and the pair it has just used is in its cache where fifty are not.
    [ThreadStatic]
    private static byte[]? t_counters;
    [ThreadStatic]
    private static byte[]? t_keyStream;

    /// <param name="maxLength">The longest data <see cref="Transform"/> and <see cref="KeyStream"/> will be given.</param>
    /// <param name="platformAes">The platform's AES even where the processor's instructions could be used (to compare the two).</param>
    public AesCounterMode(ReadOnlySpan<byte> key, int maxLength, bool platformAes = false)
    {
        _maxLength = maxLength;
        if (!platformAes && key.Length == 16 && HardwareAes128.IsSupported)
        {
            _hardware = new HardwareAes128(key);
            _useHardware = true;
            return;
        }
        using var aes = Aes.Create();
        aes.Key = key.ToArray();
        aes.Mode = CipherMode.ECB;
        aes.Padding = PaddingMode.None;
        _aes = aes.CreateEncryptor();
    }

    /// <summary>True when the processor's AES instructions make the key stream, not the platform's AES.</summary>
    public bool UsesHardwareAes => _useHardware;

    /// <summary>Encrypts or decrypts <paramref name="data"/> in place: XORs it with the key stream that starts at <paramref name="iv"/>.</summary>
    public void Transform(ReadOnlySpan<byte> iv, Span<byte> data)
    {
        if (_useHardware)
        {
            Check(iv, data.Length);
            _hardware.Apply(iv, data, xor: true);
            return;
        }
        var keyStream = Generate(iv, data.Length);
        var i = 0;
        for (; i <= data.Length - Vector128<byte>.Count; i += Vector128<byte>.Count)
        {
            (Vector128.Create(data.Slice(i, Vector128<byte>.Count)) ^ Vector128.Create(keyStream.Slice(i, Vector128<byte>.Count)))
                .CopyTo(data.Slice(i, Vector128<byte>.Count));
        }
        for (; i < data.Length; i++)
        {
            data[i] ^= keyStream[i];
        }
    }

    /// <summary>Writes the first <c>destination.Length</c> bytes of the key stream that starts at <paramref name="iv"/>.</summary>
    public void KeyStream(ReadOnlySpan<byte> iv, Span<byte> destination)
    {
        if (_useHardware)
        {
            Check(iv, destination.Length);
            _hardware.Apply(iv, destination, xor: false);
            return;
        }
        Generate(iv, destination.Length).CopyTo(destination);
    }

    public void Dispose() => _aes?.Dispose();

    private void Check(ReadOnlySpan<byte> iv, int length)
    {
        if (iv.Length != BlockLength || length > _maxLength)
        {
            throw new ArgumentException($"Counter mode takes a {BlockLength}-byte IV and at most {_maxLength} bytes.");
        }
    }

    private ReadOnlySpan<byte> Generate(ReadOnlySpan<byte> iv, int length)
    {
        Check(iv, length);
        var blocks = (length + BlockLength - 1) / BlockLength;
        var counters = t_counters;
        var keyStream = t_keyStream;
        if (counters is null || keyStream is null || counters.Length < blocks * BlockLength)
        {
            t_counters = counters = new byte[Math.Max(blocks * BlockLength, 2048)];
            t_keyStream = keyStream = new byte[counters.Length];
        }
        var high = BinaryPrimitives.ReadUInt64BigEndian(iv);
        var low = BinaryPrimitives.ReadUInt64BigEndian(iv[8..]);
        for (var block = 0; block < blocks; block++)
        {
            var counter = counters.AsSpan(block * BlockLength, BlockLength);
            BinaryPrimitives.WriteUInt64BigEndian(counter, high);
            BinaryPrimitives.WriteUInt64BigEndian(counter[8..], (low & ~0xFFFFUL) | (ushort)(low + (ulong)block));
        }
        if (blocks > 0)
        {
            _aes!.TransformBlock(counters, 0, blocks * BlockLength, keyStream, 0);
        }
        return keyStream.AsSpan(0, length);
    }
}

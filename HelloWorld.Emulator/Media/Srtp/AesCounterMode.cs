using System.Buffers.Binary;
using System.Runtime.Intrinsics;
using System.Security.Cryptography;

namespace HelloWorld.Emulator.Media.Srtp;

/// <summary>
/// AES in counter mode as RFC 3711 §4.1.1 runs it: the key stream is AES of the counter blocks IV, IV + 1, IV + 2…, the
/// block number counted in the IV's low 16 bits (which SRTP leaves zero, and no packet has 2^16 blocks). The blocks of a
/// whole packet are encrypted in one call to the platform's AES. Not thread-safe: the owning context serialises callers.
/// </summary>
internal sealed class AesCounterMode : IDisposable
{
    public const int BlockLength = 16;

    // ICryptoTransform rather than Aes.EncryptEcb: on Linux the one-shot creates and keys a native cipher context per
    // call, which measured 25 times slower for one packet's blocks (bench/README.md).
    private readonly ICryptoTransform _aes;
    private readonly byte[] _counters;
    private readonly byte[] _keyStream;

    /// <param name="maxLength">The longest data <see cref="Transform"/> and <see cref="KeyStream"/> will be given.</param>
    public AesCounterMode(ReadOnlySpan<byte> key, int maxLength)
    {
        using var aes = Aes.Create();
        aes.Key = key.ToArray();
        aes.Mode = CipherMode.ECB;
        aes.Padding = PaddingMode.None;
        _aes = aes.CreateEncryptor();
        var blocks = (maxLength + BlockLength - 1) / BlockLength;
        _counters = new byte[blocks * BlockLength];
        _keyStream = new byte[blocks * BlockLength];
    }

    /// <summary>Encrypts or decrypts <paramref name="data"/> in place: XORs it with the key stream that starts at <paramref name="iv"/>.</summary>
    public void Transform(ReadOnlySpan<byte> iv, Span<byte> data)
    {
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
    public void KeyStream(ReadOnlySpan<byte> iv, Span<byte> destination) => Generate(iv, destination.Length).CopyTo(destination);

    public void Dispose() => _aes.Dispose();

    private ReadOnlySpan<byte> Generate(ReadOnlySpan<byte> iv, int length)
    {
        if (iv.Length != BlockLength || length > _keyStream.Length)
        {
            throw new ArgumentException($"Counter mode takes a {BlockLength}-byte IV and at most {_keyStream.Length} bytes.");
        }
        var blocks = (length + BlockLength - 1) / BlockLength;
        var high = BinaryPrimitives.ReadUInt64BigEndian(iv);
        var low = BinaryPrimitives.ReadUInt64BigEndian(iv[8..]);
        for (var block = 0; block < blocks; block++)
        {
            var counter = _counters.AsSpan(block * BlockLength, BlockLength);
            BinaryPrimitives.WriteUInt64BigEndian(counter, high);
            BinaryPrimitives.WriteUInt64BigEndian(counter[8..], (low & ~0xFFFFUL) | (ushort)(low + (ulong)block));
        }
        if (blocks > 0)
        {
            _aes.TransformBlock(_counters, 0, blocks * BlockLength, _keyStream, 0);
        }
        return _keyStream.AsSpan(0, length);
    }
}

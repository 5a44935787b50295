using System.Security.Cryptography;
using HelloWorld.Emulator.Media.Srtp;

namespace HelloWorld.Emulator.Tests.Media.Srtp;

public sealed class AesCounterModeTests
{
    // RFC 3711 Appendix B.2: AES-CM key stream for this key and IV, three blocks.
    private static readonly byte[] Key = Convert.FromHexString("2B7E151628AED2A6ABF7158809CF4F3C");
    private static readonly byte[] Iv = Convert.FromHexString("F0F1F2F3F4F5F6F7F8F9FAFBFCFD0000");
    private static readonly byte[] Rfc3711KeyStream = Convert.FromHexString(
        "E03EAD0935C95E80E166B16DD92B4EB4" + "D23513162B02D0F72A43A2FE4A5F97AB" + "41E95B3BB0A2E8DD477901E4FCA894C0");

    [Theory]
    [InlineData(1)]
    [InlineData(15)]
    [InlineData(16)]
    [InlineData(17)]
    [InlineData(31)]
    [InlineData(33)]
    [InlineData(48)]
    public void KeyStream_OfAnyLength_IsThatLongAPrefixOfTheRfc3711Stream(int length)
    {
        using var cipher = new AesCounterMode(Key, 48);
        var keyStream = new byte[length];

        cipher.KeyStream(Iv, keyStream);

        Assert.Equal(Convert.ToHexString(Rfc3711KeyStream, 0, length), Convert.ToHexString(keyStream));
    }

    [Theory]
    [InlineData(1)]
    [InlineData(17)]
    [InlineData(35)]
    [InlineData(48)]
    public void Transform_XorsEveryByteWithTheKeyStream_WholeBlocksAndTail(int length)
    {
        using var cipher = new AesCounterMode(Key, 48);
        var data = Enumerable.Range(0, length).Select(i => (byte)(i * 37 + 5)).ToArray();
        var expected = data.Select((b, i) => (byte)(b ^ Rfc3711KeyStream[i])).ToArray();

        cipher.Transform(Iv, data);

        Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(data));
    }

    [Fact]
    public void Transform_TwiceWithTheSameIv_GivesBackTheData()
    {
        using var cipher = new AesCounterMode(Key, 2048);
        var original = Enumerable.Range(0, 1201).Select(i => (byte)i).ToArray();
        var data = (byte[])original.Clone();

        cipher.Transform(Iv, data);
        Assert.NotEqual(original, data);
        cipher.Transform(Iv, data);

        Assert.Equal(original, data);
    }

    [Fact]
    public void ThePlatformsAes_GivesTheRfc3711Stream_Too()
    {
        using var cipher = new AesCounterMode(Key, 48, platformAes: true);
        var keyStream = new byte[48];

        cipher.KeyStream(Iv, keyStream);

        Assert.False(cipher.UsesHardwareAes);
        Assert.Equal(Convert.ToHexString(Rfc3711KeyStream), Convert.ToHexString(keyStream));
    }

    [Fact]
    public void TheProcessorsAesInstructions_GiveThePlatformsKeyStream_ForAnyKeyAndIv_TheCounterWrappingInItsLow16Bits()
    {
        if (!HardwareAes128.IsSupported)
        {
            using var fallback = new AesCounterMode(Key, 48);
            Assert.False(fallback.UsesHardwareAes); // without the instructions, the platform's AES (checked above) is what runs
            return;
        }
        for (var trial = 0; trial < 50; trial++)
        {
            var key = RandomNumberGenerator.GetBytes(16);
            var iv = RandomNumberGenerator.GetBytes(16);
            if (trial % 2 == 0)
            {
                iv[14] = 0xFF; // the block number carries out of the low byte, and past 0xFFFF wraps within the low 16 bits
                iv[15] = 0xFD;
            }
            var length = RandomNumberGenerator.GetInt32(1, 600);
            using var hardware = new AesCounterMode(key, 2048);
            using var platform = new AesCounterMode(key, 2048, platformAes: true);
            var data = RandomNumberGenerator.GetBytes(length);
            var expected = (byte[])data.Clone();

            hardware.Transform(iv, data);
            platform.Transform(iv, expected);

            Assert.True(hardware.UsesHardwareAes);
            Assert.Equal(Convert.ToHexString(expected), Convert.ToHexString(data));
        }
    }

    [Fact]
    public void LongerThanItWasMadeFor_IsRefused()
    {
        using var cipher = new AesCounterMode(Key, 32);

        Assert.Throws<ArgumentException>(() => cipher.Transform(Iv, new byte[33]));
    }
}

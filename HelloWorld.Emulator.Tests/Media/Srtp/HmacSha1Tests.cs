using System.Security.Cryptography;
using System.Text;
using HelloWorld.Emulator.Media.Srtp;

namespace HelloWorld.Emulator.Tests.Media.Srtp;

public sealed class HmacSha1Tests
{
    // RFC 2202 §3, test cases 1, 2, 3, 4, 6 and 7 (5 is a truncated tag of the same construction).
    [Theory]
    [InlineData("0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b0b", "4869205468657265", "b617318655057264e28bc0b6fb378c8ef146be00")]
    [InlineData("4a656665", "7768617420646f2079612077616e7420666f72206e6f7468696e673f", "effcdf6ae5eb2fa2d27416d5f184df9c259a7c79")]
    [InlineData("aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa", "dddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddddd", "125d7342b9ac11cd91a39af48aa17b4f63f175d3")]
    [InlineData("0102030405060708090a0b0c0d0e0f10111213141516171819", "cdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcdcd", "4c9007f4026250c6bc8414f9bf50c86c2d7235da")]
    [InlineData(null, "Test Using Larger Than Block-Size Key - Hash Key First", "aa4ae5e15272d00e95705637ce8a3b55ed402112")]
    [InlineData(null, "Test Using Larger Than Block-Size Key and Larger Than One Block-Size Data", "e8e99d0f45237d786d6bbaa7965c7808bbff1a91")]
    public void Compute_MatchesRfc2202(string? hexKey, string data, string expected)
    {
        // Cases 6 and 7 use an 80-byte key of 0xaa (longer than SHA-1's block, so hashed first) and text data.
        var key = hexKey is null ? Enumerable.Repeat((byte)0xaa, 80).ToArray() : Convert.FromHexString(hexKey);
        var message = hexKey is null ? Encoding.ASCII.GetBytes(data) : Convert.FromHexString(data);
        var mac = new byte[HmacSha1.HashLength];

        new HmacSha1(key).Compute(message, mac);

        Assert.Equal(expected, Convert.ToHexStringLower(mac));
    }

    [Fact]
    public void Compute_AgreesWithThePlatformsHmac_ForEveryLengthAroundTheBlockBoundaries()
    {
        var key = RandomNumberGenerator.GetBytes(20);
        var hmac = new HmacSha1(key);
        var data = RandomNumberGenerator.GetBytes(300);
        var mac = new byte[HmacSha1.HashLength];

        for (var length = 0; length <= data.Length; length++)
        {
            hmac.Compute(data.AsSpan(0, length), mac);
            Assert.Equal(Convert.ToHexString(HMACSHA1.HashData(key, data.AsSpan(0, length))), Convert.ToHexString(mac));
        }
    }
}

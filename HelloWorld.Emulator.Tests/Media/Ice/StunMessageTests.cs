using System.Net;
using HelloWorld.Emulator.Media.Ice;

namespace HelloWorld.Emulator.Tests.Media.Ice;

/// <summary>Against the test vectors of RFC 5769.</summary>
public sealed class StunMessageTests
{
    private const string Password = "VOkJxbRl1RmTxUk/WvJxBt";

    private static readonly byte[] SampleRequest = Convert.FromHexString(
        "000100582112a442b7e7a701bc34d686fa87dfae" +
        "802200105354554e207465737420636c69656e74" +
        "002400046e0001ff" +
        "80290008932ff9b151263b36" +
        "000600096576746a3a68367659202020" +
        "000800149aeaa70cbfd8cb56781ef2b5b2d3f249c1b571a2" +
        "80280004e57a3bcf");

    private static readonly byte[] SampleIpv4Response = Convert.FromHexString(
        "0101003c2112a442b7e7a701bc34d686fa87dfae" +
        "8022000b7465737420766563746f7220" +
        "002000080001a147e112a643" +
        "000800142b91f599fd9e90c38c7489f92af9ba53f06be7d7" +
        "80280004c07d4c96");

    private static readonly byte[] SampleIpv6Response = Convert.FromHexString(
        "010100482112a442b7e7a701bc34d686fa87dfae" +
        "8022000b7465737420766563746f7220" +
        "002000140002a1470113a9faa5d3f179bc25f4b5bed2b9d9" +
        "00080014a382954e4be67bf11784c97c8292c275bfe3ed41" +
        "80280004c8fb0b4c");

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public void WrittenBindingRequest_ReadsBack_AndIsAuthenticOnlyWithItsPassword(bool useCandidate)
    {
        var request = StunMessage.WriteBindingRequest("emulator:browser", Password, useCandidate);

        Assert.True(StunMessage.TryReadBindingRequest(request, out var username, out var nominated));
        Assert.Equal("emulator:browser", username);
        Assert.Equal(useCandidate, nominated);
        Assert.True(StunMessage.IsAuthentic(request, Password));
        Assert.False(StunMessage.IsAuthentic(request, Password + "x"));
    }

    [Fact]
    public void SampleRequest_IsABindingRequestForItsUsername()
    {
        Assert.True(StunMessage.TryReadBindingRequest(SampleRequest, out var username, out var useCandidate));
        Assert.Equal("evtj:h6vY", username);
        Assert.False(useCandidate);
    }

    [Fact]
    public void SampleRequest_PassesIntegrityAndFingerprint_OnlyWithItsPassword()
    {
        Assert.True(StunMessage.IsAuthentic(SampleRequest, Password));
        Assert.False(StunMessage.IsAuthentic(SampleRequest, Password + "x"));
    }

    [Fact]
    public void SampleRequest_WithAnyByteChanged_FailsTheCheck()
    {
        var tampered = (byte[])SampleRequest.Clone();
        tampered[30] ^= 0x01; // inside SOFTWARE

        Assert.False(StunMessage.IsAuthentic(tampered, Password));
    }

    [Fact]
    public void SampleResponses_CarryTheMappedAddresses_AndAreAuthentic()
    {
        Assert.True(StunMessage.IsAuthentic(SampleIpv4Response, Password));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("192.0.2.1"), 32853), StunMessage.ReadXorMappedAddress(SampleIpv4Response));
        Assert.True(StunMessage.IsAuthentic(SampleIpv6Response, Password));
        Assert.Equal(new IPEndPoint(IPAddress.Parse("2001:db8:1234:5678:11:2233:4455:6677"), 32853), StunMessage.ReadXorMappedAddress(SampleIpv6Response));
    }

    [Theory]
    [InlineData("192.0.2.1", 32853)]
    [InlineData("2001:db8:1234:5678:11:2233:4455:6677", 32853)]
    [InlineData("127.0.0.1", 50123)]
    public void BindingSuccess_AnswersTheTransaction_WithTheMappedAddress_IntegrityAndFingerprint(string address, int port)
    {
        var mapped = new IPEndPoint(IPAddress.Parse(address), port);
        var response = new byte[128];

        var length = StunMessage.WriteBindingSuccess(SampleRequest, mapped, Password, response);
        var message = response.AsSpan(0, length);

        Assert.True(StunMessage.IsStun(message));
        Assert.Equal(0x01, message[1]);
        Assert.True(message.Slice(8, 12).SequenceEqual(SampleRequest.AsSpan(8, 12)));
        Assert.Equal(mapped, StunMessage.ReadXorMappedAddress(message));
        Assert.True(StunMessage.IsAuthentic(message, Password));
        Assert.False(StunMessage.IsAuthentic(message, "another-password"));
    }

    [Fact]
    public void NotStun_IsRecognisedAsNotStun()
    {
        Assert.False(StunMessage.IsStun([0x80, 0x00, 0x00, 0x01]));
        Assert.False(StunMessage.TryReadBindingRequest(SampleIpv4Response, out _, out _));
        Assert.False(StunMessage.IsStun(SampleRequest.AsSpan(0, 40)));
    }
}

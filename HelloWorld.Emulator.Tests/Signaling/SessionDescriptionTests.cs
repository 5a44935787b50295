using HelloWorld.Emulator.Signaling.Sdp;

namespace HelloWorld.Emulator.Tests.Signaling;

public sealed class SessionDescriptionTests
{
    [Theory]
    [MemberData(nameof(Recorded))]
    public void Parse_ThenWrite_GivesBackTheSameSdp(string sdp) => Assert.Equal(sdp, SessionDescription.Parse(sdp).ToString());

    public static TheoryData<string> Recorded => new() { RecordedSdp.PublishOffer, RecordedSdp.SubscribeAnswer, RecordedSdp.PublishOfferWithVideo };

    [Fact]
    public void Parse_ReadsWhatNegotiationNeeds()
    {
        var offer = SessionDescription.Parse(RecordedSdp.PublishOffer);

        Assert.Equal(["application", "audio"], offer.Media.Select(m => m.Kind));
        var audio = offer.Media[1];
        Assert.Equal("1", audio.Mid);
        Assert.Equal("sendonly", audio.Direction);
        Assert.Equal(("b9a1edd7-1699-4f24-a551-c24d843020cf", "4002690e-87f8-423a-bda9-98c2b07a7b50"), audio.Msid);
        Assert.Equal([349040612u], audio.Ssrcs);
        Assert.Contains(audio.RtpMaps, map => map.PayloadType == 0 && map.Is("PCMU", 8000));
        Assert.Contains(audio.RtpMaps, map => map.PayloadType == 126 && map.Is("telephone-event", 8000));
        Assert.Equal("x64b", audio.Attribute("ice-ufrag"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("hello")]
    [InlineData("o=- 1 1 IN IP4 127.0.0.1\r\n")]
    [InlineData("v=0\r\nm=audio\r\n")]
    public void Parse_RefusesWhatIsNotAnSdp(string text) => Assert.Throws<FormatException>(() => SessionDescription.Parse(text));
}

using System.Net;
using HelloWorld.Emulator.Signaling.Sdp;

namespace HelloWorld.Emulator.Tests.Signaling;

public sealed class PublishAnswerTests
{
    private static readonly TransportDescription Transport = new("srvU", "serverIcePassword0123456", "AB:CD", new IPEndPoint(IPAddress.Loopback, 40000), "passive");

    [Fact]
    public void Answer_ReceivesTheMicrophoneAsPcmuWithTelephoneEvents_AndNothingElseOfTheOffer()
    {
        var result = PublishAnswer.Build(SessionDescription.Parse(RecordedSdp.PublishOffer), Transport, 42, 2, publishPermissions: ["AUDIO"]);

        var answer = SessionDescription.Parse(result.Sdp);
        Assert.Equal("0 1", answer.Attribute("group")?["BUNDLE ".Length..]);
        Assert.NotNull(answer.Attribute("ice-lite"));
        var audio = answer.Media.Single(m => m.Kind == "audio");
        Assert.Equal(["0", "126"], audio.Formats);
        Assert.Equal("recvonly", audio.Direction);
        Assert.Equal("passive", audio.Attribute("setup"));
        Assert.Equal("srvU", audio.Attribute("ice-ufrag"));
        Assert.Equal("sha-256 AB:CD", audio.Attribute("fingerprint"));
        Assert.Empty(audio.Attributes("extmap"));
        Assert.Equal(40000, audio.Port);
        var application = answer.Media.Single(m => m.Kind == "application");
        Assert.Equal("1 1 udp 2130706431 127.0.0.1 40000 typ host", application.Attribute("candidate"));
        Assert.Equal("5000", application.Attribute("sctp-port"));
        var stream = Assert.Single(result.Streams);
        Assert.Equal(new OfferedStream("b9a1edd7-1699-4f24-a551-c24d843020cf", 349040612, 0, 126), stream);
        Assert.Empty(result.Rejected);
    }

    [Fact]
    public void Answer_ForAnAudioOnlyParticipant_RefusesVideo_AsAPermissionMatter_LeavingItOutOfTheBundle()
    {
        var result = PublishAnswer.Build(SessionDescription.Parse(RecordedSdp.PublishOfferWithVideo), Transport, 42, 2, publishPermissions: ["AUDIO"]);

        var answer = SessionDescription.Parse(result.Sdp);
        var video = answer.Media.Single(m => m.Kind == "video");
        Assert.True(video.IsRejected);
        Assert.Equal("2", video.Mid);
        Assert.Equal("0 1", answer.Attribute("group")?["BUNDLE ".Length..]);
        Assert.False(answer.Media.Single(m => m.Kind == "audio").IsRejected);
        Assert.Single(result.Streams);
        Assert.Equal(new RefusedMedia("VIDEO", "video", "2"), Assert.Single(result.Refused));
        Assert.Empty(result.Rejected);
    }

    [Fact]
    public void Answer_ForAParticipantAllowedVideo_StillDoesNotReceiveVideo_BecauseTheEmulatorRelaysAudioOnly()
    {
        var result = PublishAnswer.Build(SessionDescription.Parse(RecordedSdp.PublishOfferWithVideo), Transport, 42, 2, publishPermissions: ["AUDIO", "VIDEO"]);

        Assert.True(SessionDescription.Parse(result.Sdp).Media.Single(m => m.Kind == "video").IsRejected);
        Assert.Empty(result.Refused);
        Assert.Contains("relays audio only", Assert.Single(result.Rejected));
        Assert.Single(result.Streams);
    }

    [Fact]
    public void Answer_ForAParticipantWithoutAudioPermission_RefusesTheMicrophone()
    {
        var result = PublishAnswer.Build(SessionDescription.Parse(RecordedSdp.PublishOffer), Transport, 42, 2, publishPermissions: ["VIDEO"]);

        var answer = SessionDescription.Parse(result.Sdp);
        Assert.True(answer.Media.Single(m => m.Kind == "audio").IsRejected);
        Assert.False(answer.Media.Single(m => m.Kind == "application").IsRejected);
        Assert.Empty(result.Streams);
        Assert.Equal("AUDIO", Assert.Single(result.Refused).MediaType);
    }
}

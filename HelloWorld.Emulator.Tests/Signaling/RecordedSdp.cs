namespace HelloWorld.Emulator.Tests.Signaling;

/// <summary>SDPs the browser SDK really sent, taken from a recorded session (sdk-v3-transcript.jsonl).</summary>
internal static class RecordedSdp
{
    /// <summary>The MediaStream id of the microphone that <see cref="PublishOffer"/> sends.</summary>
    public const string MicrophoneStream = "b9a1edd7-1699-4f24-a551-c24d843020cf";

    /// <summary>The second offerSdp of publish(): the data channel and the microphone.</summary>
    public static string PublishOffer { get; } = ("""
v=0
o=- 2314769517071073458 3 IN IP4 127.0.0.1
s=-
t=0 0
a=group:BUNDLE 0 1
a=extmap-allow-mixed
a=msid-semantic: WMS b9a1edd7-1699-4f24-a551-c24d843020cf
m=application 9 UDP/DTLS/SCTP webrtc-datachannel
c=IN IP4 0.0.0.0
a=ice-ufrag:x64b
a=ice-pwd:x3gQEfxHqX101Ugf8ZFWUmNy
a=ice-options:trickle
a=fingerprint:sha-256 23:6E:93:5C:8D:E2:C1:B0:31:32:61:AB:7B:01:9E:5C:90:45:77:05:D3:E0:53:E9:60:C3:11:0A:72:DB:27:D1
a=setup:actpass
a=mid:0
a=sctp-port:5000
a=max-message-size:262144
m=audio 9 UDP/TLS/RTP/SAVPF 111 63 9 0 8 13 110 126
c=IN IP4 0.0.0.0
a=rtcp:9 IN IP4 0.0.0.0
a=ice-ufrag:x64b
a=ice-pwd:x3gQEfxHqX101Ugf8ZFWUmNy
a=ice-options:trickle
a=fingerprint:sha-256 23:6E:93:5C:8D:E2:C1:B0:31:32:61:AB:7B:01:9E:5C:90:45:77:05:D3:E0:53:E9:60:C3:11:0A:72:DB:27:D1
a=setup:actpass
a=mid:1
a=extmap:1 urn:ietf:params:rtp-hdrext:ssrc-audio-level
a=extmap:2 http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time
a=extmap:3 http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01
a=extmap:4 urn:ietf:params:rtp-hdrext:sdes:mid
a=sendonly
a=msid:b9a1edd7-1699-4f24-a551-c24d843020cf 4002690e-87f8-423a-bda9-98c2b07a7b50
a=rtcp-mux
a=rtcp-rsize
a=rtcp-xr:rcvr-rtt=all
a=rtpmap:111 opus/48000/2
a=rtcp-fb:111 transport-cc
a=fmtp:111 minptime=10;useinbandfec=1
a=rtpmap:63 red/48000/2
a=fmtp:63 111/111
a=rtpmap:9 G722/8000
a=rtpmap:0 PCMU/8000
a=rtpmap:8 PCMA/8000
a=rtpmap:13 CN/8000
a=rtpmap:110 telephone-event/48000
a=rtpmap:126 telephone-event/8000
a=ssrc:349040612 cname:UjLu2DX3/v4BpM42
a=ssrc:349040612 msid:b9a1edd7-1699-4f24-a551-c24d843020cf 4002690e-87f8-423a-bda9-98c2b07a7b50
""" + "\n").ReplaceLineEndings("\r\n");

    /// <summary>The same offer with a camera added, as a page that publishes video would send it.</summary>
    public static string PublishOfferWithVideo { get; } = PublishOffer.Replace("a=group:BUNDLE 0 1", "a=group:BUNDLE 0 1 2", StringComparison.Ordinal) + ("""
m=video 9 UDP/TLS/RTP/SAVPF 96 97
c=IN IP4 0.0.0.0
a=rtcp:9 IN IP4 0.0.0.0
a=ice-ufrag:x64b
a=ice-pwd:x3gQEfxHqX101Ugf8ZFWUmNy
a=ice-options:trickle
a=fingerprint:sha-256 23:6E:93:5C:8D:E2:C1:B0:31:32:61:AB:7B:01:9E:5C:90:45:77:05:D3:E0:53:E9:60:C3:11:0A:72:DB:27:D1
a=setup:actpass
a=mid:2
a=sendonly
a=msid:b9a1edd7-1699-4f24-a551-c24d843020cf 9d6a9c2c-1a1b-4a42-9c0d-0f4f0e8d2a10
a=rtcp-mux
a=rtpmap:96 VP8/90000
a=rtpmap:97 rtx/90000
a=fmtp:97 apt=96
a=ssrc:1111 cname:UjLu2DX3/v4BpM42
""" + "\n").ReplaceLineEndings("\r\n");

    /// <summary>The SDK's answer to an sdpOffer of the platform: every m-line rewritten to setup:passive.</summary>
    public static string SubscribeAnswer { get; } = ("""
v=0
o=- 1897287209514331167 2 IN IP4 127.0.0.1
s=-
t=0 0
a=msid-semantic:  WMS
a=group:BUNDLE 0 1
m=audio 9 UDP/TLS/RTP/SAVPF 111
c=IN IP4 0.0.0.0
a=rtpmap:111 opus/48000/2
a=fmtp:111 minptime=10;useinbandfec=1
a=rtcp:9 IN IP4 0.0.0.0
a=setup:passive
a=mid:0
a=recvonly
a=ice-ufrag:R2rT
a=ice-pwd:xdVKMtFXOympRgm0VITX3hwq
a=fingerprint:sha-256 4C:72:8E:11:5F:3D:77:95:2E:67:25:23:C2:A3:F8:E0:2A:A1:B8:F5:5A:EC:E5:04:94:F6:D4:4E:D0:36:C1:71
a=ice-options:trickle
a=rtcp-mux
m=application 9 UDP/DTLS/SCTP webrtc-datachannel
c=IN IP4 0.0.0.0
a=setup:passive
a=mid:1
a=ice-ufrag:R2rT
a=ice-pwd:xdVKMtFXOympRgm0VITX3hwq
a=fingerprint:sha-256 4C:72:8E:11:5F:3D:77:95:2E:67:25:23:C2:A3:F8:E0:2A:A1:B8:F5:5A:EC:E5:04:94:F6:D4:4E:D0:36:C1:71
a=ice-options:trickle
a=sctp-port:5000
a=max-message-size:262144
""" + "\n").ReplaceLineEndings("\r\n");
}

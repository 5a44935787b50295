using System.Globalization;

namespace HelloWorld.Emulator.Signaling.Sdp;

/// <summary>
/// The emulator's answer to a browser's publish offer: the data channel accepted, each audio m-line received as PCMU
/// with telephone-events and no header extensions (the relay forwards packets as they are), anything else rejected —
/// video included: the emulator relays audio only, and an AUDIO-only participant may not publish video anyway.
/// </summary>
internal static class PublishAnswer
{
    public const int SctpPort = 5000;

    public static PublishAnswerResult Build(SessionDescription offer, TransportDescription transport, long sessionId, long version, bool mayPublishAudio)
    {
        var accepted = new List<string>();
        var streams = new List<OfferedStream>();
        var rejected = new List<string>();
        var sections = new List<Action<SdpWriter, bool>>();

        foreach (var media in offer.Media)
        {
            var mid = media.Mid ?? sections.Count.ToString(CultureInfo.InvariantCulture);
            if (media.Kind == "application" && !media.IsRejected)
            {
                accepted.Add(mid);
                sections.Add((sdp, first) => WriteApplication(sdp, transport, mid, first));
            }
            else if (media.Kind == "audio" && !media.IsRejected && mayPublishAudio &&
                     media.RtpMaps.FirstOrDefault(map => map.Is("PCMU", 8000)) is { } pcmu)
            {
                var dtmf = media.RtpMaps.FirstOrDefault(map => map.Is("telephone-event", 8000));
                accepted.Add(mid);
                if (media.Msid is { } msid && media.Direction is "sendonly" or "sendrecv" && media.Ssrcs.Count > 0)
                {
                    streams.Add(new OfferedStream(msid.StreamId, media.Ssrcs[0], pcmu.PayloadType, dtmf?.PayloadType));
                }
                sections.Add((sdp, first) => WriteAudio(sdp, transport, media, mid, pcmu, dtmf, first));
            }
            else
            {
                rejected.Add($"{media.Kind} (mid {mid})");
                sections.Add((sdp, _) => WriteRejected(sdp, media, mid));
            }
        }

        var answer = new SdpWriter()
            .Line("v=0")
            .Line($"o=- {sessionId} {version} IN IP4 {transport.Address}")
            .Line("s=-")
            .Line("t=0 0")
            .Line("a=ice-lite")
            .Line($"a=group:BUNDLE {string.Join(' ', accepted)}")
            .Line("a=msid-semantic: WMS *");
        var firstAccepted = true;
        for (var i = 0; i < sections.Count; i++)
        {
            var isAccepted = accepted.Contains(offer.Media[i].Mid ?? i.ToString(CultureInfo.InvariantCulture));
            sections[i](answer, isAccepted && firstAccepted);
            firstAccepted &= !isAccepted;
        }
        return new PublishAnswerResult(answer.ToString(), streams, rejected);
    }

    private static void WriteApplication(SdpWriter sdp, TransportDescription transport, string mid, bool withCandidate)
    {
        sdp.Line($"m=application {transport.Port} UDP/DTLS/SCTP webrtc-datachannel");
        transport.WriteTo(sdp, withCandidate);
        sdp.Line($"a=mid:{mid}").Line($"a=sctp-port:{SctpPort}").Line("a=max-message-size:262144");
    }

    private static void WriteAudio(SdpWriter sdp, TransportDescription transport, MediaDescription offer, string mid, RtpMap pcmu, RtpMap? dtmf, bool withCandidate)
    {
        var formats = dtmf is null ? $"{pcmu.PayloadType}" : $"{pcmu.PayloadType} {dtmf.PayloadType}";
        sdp.Line($"m=audio {transport.Port} UDP/TLS/RTP/SAVPF {formats}");
        transport.WriteTo(sdp, withCandidate);
        sdp.Line($"a=mid:{mid}")
            .Line(offer.Direction is "sendonly" or "sendrecv" ? "a=recvonly" : "a=inactive")
            .Line("a=rtcp-mux")
            .Line($"a=rtpmap:{pcmu.PayloadType} PCMU/8000");
        if (dtmf is not null)
        {
            sdp.Line($"a=rtpmap:{dtmf.PayloadType} telephone-event/8000").Line($"a=fmtp:{dtmf.PayloadType} 0-15");
        }
    }

    private static void WriteRejected(SdpWriter sdp, MediaDescription offer, string mid) =>
        sdp.Line($"m={offer.Kind} 0 {offer.Protocol} {(offer.Formats.Count > 0 ? offer.Formats[0] : "0")}")
            .Line("c=IN IP4 0.0.0.0")
            .Line($"a=mid:{mid}")
            .Line("a=inactive");
}

/// <summary>An audio stream the browser offered to send, and how its packets are marked.</summary>
internal sealed record OfferedStream(string StreamId, uint Ssrc, byte PayloadType, byte? TelephoneEventPayloadType);

internal sealed record PublishAnswerResult(string Sdp, IReadOnlyList<OfferedStream> Streams, IReadOnlyList<string> Rejected);

using System.Globalization;
using HelloWorld.Emulator.WebRtc;
using Microsoft.Extensions.Logging;

namespace HelloWorld.Emulator.Signaling.Sdp;

/// <summary>
/// The emulator's answer to a browser's publish offer: the data channel accepted, each audio m-line received as PCMU
/// with telephone-events and no header extensions (the relay forwards packets as they are), and everything else rejected
/// (port 0), for one of two reasons kept apart:
/// <list type="bullet">
/// <item>Refused: the participant's publish permissions do not include the m-line's media type (AUDIO for audio, VIDEO
/// for video). This is the platform's enforcement, whatever the emulator could receive.</item>
/// <item>Not received: the participant may publish it, but the emulator cannot take it: video (the emulator relays audio
/// only), audio without PCMU, or any other kind of m-line.</item>
/// </list>
/// </summary>
internal static class PublishAnswer
{
    public const int SctpPort = 5000;

    public static PublishAnswerResult Build(
        SessionDescription offer, TransportDescription transport, long sessionId, long version, IReadOnlyCollection<string> publishPermissions)
    {
        var accepted = new List<string>();
        var streams = new List<OfferedStream>();
        var notReceived = new List<string>();
        var refused = new List<RefusedMedia>();
        var sections = new List<Action<SdpWriter, bool>>();

        foreach (var media in offer.Media)
        {
            var mid = media.Mid ?? sections.Count.ToString(CultureInfo.InvariantCulture);
            var mediaType = media.Kind switch
            {
                "audio" => PublishPermission.Audio,
                "video" => PublishPermission.Video,
                _ => null,
            };
            if (media.IsRejected)
            {
                sections.Add((sdp, _) => WriteRejected(sdp, media, mid)); // the browser's own choice: nothing to refuse
            }
            else if (media.Kind == "application")
            {
                accepted.Add(mid);
                sections.Add((sdp, first) => WriteApplication(sdp, transport, mid, first));
            }
            else if (mediaType is not null && !publishPermissions.Contains(mediaType))
            {
                refused.Add(new RefusedMedia(mediaType, media.Kind, mid));
                sections.Add((sdp, _) => WriteRejected(sdp, media, mid));
            }
            else if (mediaType == PublishPermission.Audio && media.RtpMaps.FirstOrDefault(map => map.Is("PCMU", 8000)) is { } pcmu)
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
                notReceived.Add(mediaType switch
                {
                    PublishPermission.Video => $"video (mid {mid}): permitted, but the emulator relays audio only",
                    PublishPermission.Audio => $"audio (mid {mid}): no PCMU offered",
                    _ => $"{media.Kind} (mid {mid}): not a media type the emulator receives",
                });
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
        return new PublishAnswerResult(answer.ToString(), streams, notReceived, refused);
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

/// <param name="Rejected">m-lines the participant may publish but the emulator does not receive, each with the reason.</param>
/// <param name="Refused">m-lines rejected because the participant may not publish their media type.</param>
internal sealed partial record PublishAnswerResult(
    string Sdp, IReadOnlyList<OfferedStream> Streams, IReadOnlyList<string> Rejected, IReadOnlyList<RefusedMedia> Refused)
{
    /// <summary>One warning per refusal: a page that tries to publish what it may not is worth knowing about.</summary>
    public void LogRefusals(ILogger logger, string participantId)
    {
        foreach (var refusal in Refused)
        {
            Log.Refused(logger, participantId, refusal.MediaType, refusal.Kind, refusal.Mid);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9620, Level = LogLevel.Warning,
            Message = "Participant {ParticipantId} may not publish {MediaType}: its {Kind} m-line (mid {Mid}) is rejected")]
        public static partial void Refused(ILogger logger, string participantId, string mediaType, string kind, string mid);
    }
}

/// <summary>An offered m-line of <paramref name="MediaType"/> that the participant's publish permissions do not allow.</summary>
internal sealed record RefusedMedia(string MediaType, string Kind, string Mid);

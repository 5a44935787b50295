namespace HelloWorld.Emulator.Signaling.Sdp;

/// <summary>
/// The emulator's offer to a browser's subscribing connection: a data-channel m-line, then one audio m-line per slot.
/// A slot carrying a stream is <c>sendonly</c> with the stream's <c>a=msid</c> and an SSRC of its own; a free slot is
/// <c>inactive</c> without msid (the SDK then reports the stream unavailable). m-lines are never removed or reordered.
/// </summary>
internal static class SubscribeOffer
{
    public const string DataChannelMid = "0";
    public const byte PcmuPayloadType = 0;
    public const byte TelephoneEventPayloadType = 126;

    public static string Build(IReadOnlyList<SubscribeSlot> slots, TransportDescription transport, long sessionId, long version)
    {
        var sdp = new SdpWriter()
            .Line("v=0")
            .Line($"o=- {sessionId} {version} IN IP4 {transport.Address}")
            .Line("s=-")
            .Line("t=0 0")
            .Line("a=ice-lite")
            .Line($"a=group:BUNDLE {string.Join(' ', [DataChannelMid, .. slots.Select(slot => slot.Mid)])}")
            .Line("a=msid-semantic: WMS *");

        sdp.Line($"m=application {transport.Port} UDP/DTLS/SCTP webrtc-datachannel");
        transport.WriteTo(sdp, withCandidate: true);
        sdp.Line($"a=mid:{DataChannelMid}").Line($"a=sctp-port:{PublishAnswer.SctpPort}").Line("a=max-message-size:262144");

        foreach (var slot in slots)
        {
            sdp.Line($"m=audio {transport.Port} UDP/TLS/RTP/SAVPF {PcmuPayloadType} {TelephoneEventPayloadType}");
            transport.WriteTo(sdp, withCandidate: false);
            sdp.Line($"a=mid:{slot.Mid}").Line(slot.StreamId is null ? "a=inactive" : "a=sendonly");
            if (slot.StreamId is { } streamId)
            {
                sdp.Line($"a=msid:{streamId} {slot.TrackId}");
            }
            sdp.Line("a=rtcp-mux")
                .Line($"a=rtpmap:{PcmuPayloadType} PCMU/8000")
                .Line($"a=rtpmap:{TelephoneEventPayloadType} telephone-event/8000")
                .Line($"a=fmtp:{TelephoneEventPayloadType} 0-15");
            if (slot.StreamId is { } announced)
            {
                sdp.Line($"a=ssrc:{slot.Ssrc} cname:{slot.TrackId}").Line($"a=ssrc:{slot.Ssrc} msid:{announced} {slot.TrackId}");
            }
        }
        return sdp.ToString();
    }
}

/// <summary>One audio m-line of a subscribing connection and the stream it carries now (<c>null</c>: free).</summary>
internal sealed record SubscribeSlot(string Mid, string? StreamId, uint Ssrc, string TrackId);

using System.Text.Json;
using System.Text.Json.Nodes;
using HelloWorld.Emulator.Media;
using HelloWorld.Emulator.Media.Relay;
using HelloWorld.Emulator.Signaling.Sdp;
using Microsoft.Extensions.Logging;

namespace HelloWorld.Emulator.Signaling.Browser;

/// <summary>What the publish and the subscribe side of one browser device share, and the SDP reading both do.</summary>
/// <param name="SessionId">The <c>o=</c> session id of every description the emulator writes to this device.</param>
/// <param name="Closed">Cancelled once the device closes: neither side publishes, offers or applies anything after it.</param>
internal sealed record BrowserDeviceContext(
    string ParticipantId, long SessionId, DeviceHub Hub, IMediaServer Media, IMediaRelay Relay, ILogger Logger, CancellationToken Closed)
{
    public TransportDescription Transport(IMediaConnection connection, string setup) =>
        new(connection.LocalIceUfrag, connection.LocalIcePassword, Media.CertificateFingerprint, Media.CandidateEndPoint, setup);

    /// <summary>A stream's <c>streamMetadata</c> entry: whose endpoint it comes from, its media, its participant and alias.</summary>
    public JsonObject StreamMetadata(string endpointId, string? alias, string? participantId = null)
    {
        var metadata = new JsonObject
        {
            ["endpointId"] = endpointId,
            ["mediaTypes"] = new JsonArray([.. PublishedStream.MediaTypes.Select(type => (JsonNode)type)]),
            ["participantId"] = participantId ?? ParticipantId,
        };
        if (alias is not null)
        {
            metadata["alias"] = alias;
        }
        return metadata;
    }

    public static SessionDescription ParseSdp(JsonNode? text)
    {
        if (text?.GetValueKind() != JsonValueKind.String)
        {
            throw new RpcException(DeviceRpcConnection.InvalidParams, "Invalid params: an SDP string is required.");
        }
        try
        {
            return SessionDescription.Parse(text.GetValue<string>());
        }
        catch (FormatException exception)
        {
            throw new RpcException(DeviceRpcConnection.InvalidParams, $"Invalid params: {exception.Message}");
        }
    }

    /// <summary>The browser's ICE user fragment and certificate fingerprint, from the first m-line or the session.</summary>
    public static (string? Ufrag, string? Fingerprint) Credentials(SessionDescription sdp)
    {
        var media = sdp.Media.FirstOrDefault(m => !m.IsRejected);
        var ufrag = media?.Attribute("ice-ufrag") ?? sdp.Attribute("ice-ufrag");
        var fingerprint = media?.Attribute("fingerprint") ?? sdp.Attribute("fingerprint");
        return (ufrag, fingerprint?.StartsWith("sha-256 ", StringComparison.OrdinalIgnoreCase) == true ? fingerprint[8..] : null);
    }
}

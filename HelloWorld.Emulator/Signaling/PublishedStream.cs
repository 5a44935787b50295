namespace HelloWorld.Emulator.Signaling;

/// <summary>
/// An audio stream a device publishes: a browser's microphone or a simulated phone's voice. Every stream in the relay is
/// PCMU with RFC 4733 telephone-events, at the payload types its publisher negotiated: subscribers map them to theirs.
/// </summary>
/// <param name="StreamId">The publisher's MediaStream id (its <c>a=msid</c>); subscribers see it as the stream's endpoint id.</param>
/// <param name="EndpointId">The publishing device's endpoint.</param>
/// <param name="PcmuPayloadType">The payload type of PCMU in the source's packets (0, its static type, unless it chose another).</param>
internal sealed record PublishedStream(
    string StreamId,
    string ParticipantId,
    string EndpointId,
    string? Alias,
    byte PcmuPayloadType,
    byte? TelephoneEventPayloadType)
{
    public static IReadOnlyList<string> MediaTypes { get; } = ["AUDIO"];
}

namespace HelloWorld.Emulator.Signaling;

/// <summary>
/// An audio stream a device publishes: a browser's microphone or a simulated phone's voice. Every stream in the relay is
/// PCMU (payload type 0) with RFC 4733 telephone-events at <see cref="TelephoneEventPayloadType"/>, as its publisher negotiated.
/// </summary>
/// <param name="StreamId">The publisher's MediaStream id (its <c>a=msid</c>); subscribers see it as the stream's endpoint id.</param>
/// <param name="EndpointId">The publishing device's endpoint.</param>
internal sealed record PublishedStream(
    string StreamId,
    string ParticipantId,
    string EndpointId,
    string? Alias,
    byte? TelephoneEventPayloadType)
{
    public static IReadOnlyList<string> MediaTypes { get; } = ["AUDIO"];
}

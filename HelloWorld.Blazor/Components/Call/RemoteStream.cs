namespace HelloWorld.Blazor.Components.Call;

/// <summary>A stream the SDK announced (<c>onStreamAvailable</c>). Its MediaStream stays in the browser.</summary>
public sealed record RemoteStream(string EndpointId, string? ParticipantId, string? Alias, IReadOnlyList<string> MediaTypes)
{
    /// <summary>
    /// Which announcement this is, numbered by the page. The SDK may announce an endpoint it already announced, with a
    /// new MediaStream; the endpoint's audio element is kept, and must then be attached to the new stream.
    /// </summary>
    public int Announcement { get; init; }
}

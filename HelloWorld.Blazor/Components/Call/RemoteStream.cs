namespace HelloWorld.Blazor.Components.Call;

/// <summary>A stream the SDK announced (<c>onStreamAvailable</c>). Its MediaStream stays in the browser.</summary>
public sealed record RemoteStream(string EndpointId, string? ParticipantId, string? Alias, IReadOnlyList<string> MediaTypes);

using System.Text.Json.Serialization;

namespace HelloWorld.Blazor.Bandwidth.WebRtc;

// Records named as the schemas of webrtc.yml; property names serialize in camelCase as the spec writes them.

[JsonConverter(typeof(JsonStringEnumConverter<PublishPermission>))]
public enum PublishPermission
{
    AUDIO,
    VIDEO,
}

[JsonConverter(typeof(JsonStringEnumConverter<DeviceApiVersion>))]
public enum DeviceApiVersion
{
    V3,
}

public sealed record CreateParticipantRequest(
    IReadOnlyList<PublishPermission> PublishPermissions,
    string? Tag = null,
    DeviceApiVersion DeviceApiVersion = DeviceApiVersion.V3,
    string? CallbackUrl = null);

public sealed record CreateParticipantResponse(Participant Participant, string Token);

public sealed record Participant(
    string Id,
    IReadOnlyList<PublishPermission>? PublishPermissions = null,
    IReadOnlyList<string>? Sessions = null,
    Subscriptions? Subscriptions = null,
    string? Tag = null,
    DeviceApiVersion? DeviceApiVersion = null,
    string? CallbackUrl = null);

public sealed record Session(string? Id = null, string? Tag = null);

public sealed record Subscriptions(string? SessionId = null, IReadOnlyList<ParticipantSubscription>? Participants = null);

public sealed record ParticipantSubscription(string ParticipantId, IReadOnlyList<string>? StreamAliases = null);

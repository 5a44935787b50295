using System.Text.Json.Serialization;

namespace HelloWorld.Blazor.Bandwidth.WebRtc;

// Records named as the schemas of webrtc.yml; property names serialize in camelCase as the spec writes them.
// What the app reads back requires only what it uses (a participant's id, its token, a session's id): Bandwidth adds
// fields and enum values over time, and an answer the app refuses over a field it ignores orphans what Bandwidth created.

/// <summary>webrtc.yml's <c>publishPermissions</c> items. A value Bandwidth adds later is kept as it came.</summary>
[JsonConverter(typeof(SpecValueConverter<PublishPermission>))]
public readonly record struct PublishPermission(string Value) : ISpecValue<PublishPermission>
{
    public static PublishPermission AUDIO { get; } = new("AUDIO");

    public static PublishPermission VIDEO { get; } = new("VIDEO");

    public static PublishPermission Create(string value) => new(value);

    public override string ToString() => Value;
}

/// <summary>webrtc.yml's <c>deviceApiVersionEnum</c>. A version Bandwidth adds later (V4) is kept as it came.</summary>
[JsonConverter(typeof(SpecValueConverter<DeviceApiVersion>))]
public readonly record struct DeviceApiVersion(string Value) : ISpecValue<DeviceApiVersion>
{
    public static DeviceApiVersion V3 { get; } = new("V3");

    public static DeviceApiVersion Create(string value) => new(value);

    public override string ToString() => Value;
}

/// <param name="DeviceApiVersion">Unset: V3, the only version the browser SDK the app ships speaks.</param>
public sealed record CreateParticipantRequest(
    IReadOnlyList<PublishPermission> PublishPermissions,
    string? Tag = null,
    DeviceApiVersion? DeviceApiVersion = null,
    string? CallbackUrl = null)
{
    public DeviceApiVersion? DeviceApiVersion { get; init; } = DeviceApiVersion ?? WebRtc.DeviceApiVersion.V3;
}

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

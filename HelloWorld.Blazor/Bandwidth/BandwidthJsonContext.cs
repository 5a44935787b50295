using System.Text.Json;
using System.Text.Json.Serialization;
using HelloWorld.Blazor.Bandwidth.Voice;
using HelloWorld.Blazor.Bandwidth.WebRtc;

namespace HelloWorld.Blazor.Bandwidth;

/// <summary>
/// The JSON of every body the Bandwidth clients send and read, generated at build time: no reflection and no emitted
/// code at run time, so the first webhook after start does not pay for building serializers, and each request reads and
/// writes through code made for its type. The options are <see cref="BandwidthRestClient.JsonOptions"/>'s: the spec's
/// camelCase, nulls left out, nullable annotations and required constructor parameters enforced.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(CreateParticipantRequest))]
[JsonSerializable(typeof(CreateParticipantResponse))]
[JsonSerializable(typeof(Participant))]
[JsonSerializable(typeof(List<Participant>))]
[JsonSerializable(typeof(Session))]
[JsonSerializable(typeof(Subscriptions))]
[JsonSerializable(typeof(CreateCallRequest))]
[JsonSerializable(typeof(CreateCallResponse))]
[JsonSerializable(typeof(UpdateCallRequest))]
[JsonSerializable(typeof(CallStateInformation))]
[JsonSerializable(typeof(VoiceApiError))]
internal sealed partial class BandwidthJsonContext : JsonSerializerContext;

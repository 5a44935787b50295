using System.Text.Json;
using System.Text.Json.Serialization;
using HelloWorld.Blazor.Bandwidth.Voice;

namespace HelloWorld.Blazor.Webhooks;

/// <summary>
/// The Voice webhooks' bodies, read by MVC through code generated at build time rather than serializers built by
/// reflection on the first webhook of each kind. First in MVC's resolver chain (<see cref="VoiceWebhookExtensions"/>),
/// so MVC's own options still decide how they are read (camelCase, case-insensitive, unknown fields ignored); every other
/// type MVC reads or writes (the API's bodies, problem details) goes on to the resolver after it.
/// </summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
[JsonSerializable(typeof(InitiateCallback))]
[JsonSerializable(typeof(AnswerCallback))]
[JsonSerializable(typeof(DisconnectCallback))]
[JsonSerializable(typeof(TransferAnswerCallback))]
[JsonSerializable(typeof(TransferCompleteCallback))]
[JsonSerializable(typeof(TransferDisconnectCallback))]
internal sealed partial class VoiceWebhookJsonContext : JsonSerializerContext;

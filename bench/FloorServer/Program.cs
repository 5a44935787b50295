using System.Collections.Concurrent;
using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.Json.Serialization.Metadata;
using FloorServer;

// What answering a dial-in costs with nothing but the work itself: createParticipant (AUDIO, V3, a tag) and
// addParticipantToSession (subscribed to the session) on one HttpClient, then the app's Transfer BXML, which asks for the
// transfer webhooks as the app's does; they are answered as the app answers them. The session is created before the
// server listens. Settings: Floor:WebRtcApiBaseUrl, Floor:AccountId, Floor:Username, Floor:Password,
// Floor:TransferSipUri, Floor:CallbackBaseUrl, and --urls.
// With --design: the design floor instead (Design/DesignFloor.cs), the same work through the owner's given design alone.

if (args.Contains("--design"))
{
    await FloorServer.Design.DesignFloor.RunAsync([.. args.Where(arg => arg != "--design")]);
    return;
}

var builder = WebApplication.CreateSlimBuilder(args);
builder.Logging.ClearProviders();
builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.TypeInfoResolverChain.Insert(0, FloorJson.Default));
var settings = builder.Configuration.GetSection("Floor");
string Setting(string name) => settings[name] is { Length: > 0 } value ? value : throw new InvalidOperationException($"Set Floor:{name}.");

var api = new HttpClient { BaseAddress = new Uri($"{Setting("WebRtcApiBaseUrl").TrimEnd('/')}/accounts/{Setting("AccountId")}/") };
api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
    Convert.ToBase64String(Encoding.UTF8.GetBytes($"{Setting("Username")}:{Setting("Password")}")));
var transferSipUri = Setting("TransferSipUri");
var callbackBase = Setting("CallbackBaseUrl").TrimEnd('/');
// The app's Transfer, as its XmlWriter writes it: transferCompleteUrl on <Transfer>, the answer and disconnect URLs on <SipUri>.
var transferOpen = $"<Transfer transferCompleteUrl=\"{callbackBase}/transferComplete\" transferCompleteMethod=\"POST\"><SipUri uui=\"";
var sipUriRest = $"\" transferAnswerUrl=\"{callbackBase}/transferAnswer\" transferAnswerMethod=\"POST\" " +
                 $"transferDisconnectUrl=\"{callbackBase}/transferDisconnect\" transferDisconnectMethod=\"POST\">{transferSipUri}</SipUri></Transfer>";
const string XmlDeclaration = """<?xml version="1.0" encoding="utf-8"?>""";

var created = await api.PostAsync("sessions", Json(new Session(Tag: "floor-server"), FloorJson.Default.Session));
var sessionId = (await created.EnsureSuccessStatusCode().Content.ReadFromJsonAsync(FloorJson.Default.Session))!.Id!;
var participants = new ConcurrentDictionary<string, string>(StringComparer.Ordinal); // callId → participantId

var app = builder.Build();

app.MapPost("/incomingCall", async (VoiceCallback callback, CancellationToken cancellationToken) =>
{
    if (callback.CallId is not { Length: > 1 } callId)
    {
        return Results.BadRequest();
    }
    using var createdParticipant = await api.PostAsync("participants",
        Json(new CreateParticipantRequest(["AUDIO"], "floor-server-phone", "V3"), FloorJson.Default.CreateParticipantRequest), cancellationToken);
    var participant = (await createdParticipant.EnsureSuccessStatusCode().Content
        .ReadFromJsonAsync(FloorJson.Default.CreateParticipantResponse, cancellationToken))!;
    using var added = await api.PutAsync($"sessions/{sessionId}/participants/{participant.Participant.Id}",
        Json(new Subscriptions(sessionId), FloorJson.Default.Subscriptions), cancellationToken);
    added.EnsureSuccessStatusCode();
    participants[callId] = participant.Participant.Id;
    // The app's BXML, written as its XmlWriter writes it; call ids and JWTs hold nothing XML would escape.
    var uui = $"{callId[1..].Replace("-", "", StringComparison.Ordinal)};encoding=base64,{participant.Token};encoding=jwt";
    return Bxml($"<Response>{transferOpen}{uui}{sipUriRest}</Response>");
});

// The transfer webhooks, answered as the app answers a call it carries: nothing to run on the leg into the session, a
// hang-up once that leg ends, and a 2xx for the asynchronous disconnect.
app.MapPost("/transferAnswer", () => Bxml("<Response />"));
app.MapPost("/transferComplete", () => Bxml("<Response><Hangup /></Response>"));
app.MapPost("/transferDisconnect", () => Results.NoContent());

// As the app does on disconnect: answer at once, delete the call's participant in the background.
app.MapPost("/callStatus", (VoiceCallback callback) =>
{
    if (callback.EventType == "disconnect" && callback.CallId is { } callId && participants.TryRemove(callId, out var participantId))
    {
        _ = api.DeleteAsync($"participants/{participantId}");
    }
    return Results.NoContent();
});

app.Run();

IResult Bxml(string response) => Results.Text(XmlDeclaration + response, "application/xml; charset=utf-8");

// Serialized up front, so the request carries a Content-Length as the app's (RestSharp's) do; JsonContent would stream
// the body chunked.
static ByteArrayContent Json<T>(T value, JsonTypeInfo<T> type)
{
    var content = new ByteArrayContent(JsonSerializer.SerializeToUtf8Bytes(value, type));
    content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
    return content;
}

namespace FloorServer
{
    internal sealed record VoiceCallback(string? EventType, string? CallId);

    internal sealed record Session(string? Id = null, string? Tag = null);

    internal sealed record CreateParticipantRequest(IReadOnlyList<string> PublishPermissions, string Tag, string DeviceApiVersion);

    internal sealed record CreateParticipantResponse(Participant Participant, string Token);

    internal sealed record Participant(string Id);

    internal sealed record Subscriptions(string SessionId);

    [JsonSourceGenerationOptions(JsonSerializerDefaults.Web, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
    [JsonSerializable(typeof(VoiceCallback))]
    [JsonSerializable(typeof(Session))]
    [JsonSerializable(typeof(CreateParticipantRequest))]
    [JsonSerializable(typeof(CreateParticipantResponse))]
    [JsonSerializable(typeof(Subscriptions))]
    internal sealed partial class FloorJson : JsonSerializerContext;
}

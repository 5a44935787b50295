using System.Text.Json;
using System.Text.Json.Serialization;
using RestSharp;
using RestSharp.Authenticators;
using RestSharp.Serializers.Json;

namespace FloorServer.Design;

/// <summary>
/// The WebRTC API calls the design floor makes, on RestSharp as the app's client makes them
/// (HelloWorld.Blazor/Bandwidth/BandwidthRestClient.cs and WebRtc/WebRtcApiClient.cs): one <see cref="RestClient"/> over
/// the factory's <see cref="HttpClient"/> (whose handlers hold the resilience pipeline), HTTP Basic through RestSharp's
/// authenticator, a request with URL segments and a JSON body, the answer read as a string and deserialized with the
/// app's JSON options. Without the app's own additions: its operation names, telemetry, error reports and undo.
/// </summary>
public sealed class DesignWebRtcApi : IDisposable
{
    public const string ClientName = "webrtc";

    // HelloWorld.Blazor/Bandwidth/BandwidthRestClient.cs, JsonOptions.
    private static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        TypeInfoResolver = DesignApiJson.Default,
    };

    private readonly RestClient _client;
    private readonly DesignSettings _settings;
    private string? _sessionId;

    public DesignWebRtcApi(IHttpClientFactory clients, DesignSettings settings)
    {
        _settings = settings;
        var options = new RestClientOptions { Authenticator = new HttpBasicAuthenticator(settings.Username, settings.Password) };
        _client = new RestClient(clients.CreateClient(ClientName), options, disposeHttpClient: false,
            configureSerialization: serialization => serialization.UseSystemTextJson(JsonOptions));
    }

    private string SessionId => _sessionId ?? throw new InvalidOperationException("The session is made before the server listens.");

    public async Task CreateSessionAsync()
    {
        var response = await SendAsync(Request("accounts/{accountId}/sessions", Method.Post).AddJsonBody(new Session(Tag: "design-floor")), CancellationToken.None);
        _sessionId = Read<Session>(response).Id;
    }

    public async Task<CreateParticipantResponse> CreateParticipantAsync(CancellationToken cancellationToken)
    {
        var request = Request("accounts/{accountId}/participants", Method.Post)
            .AddJsonBody(new CreateParticipantRequest(["AUDIO"], DesignFloor.PhoneTag, "V3"));
        return Read<CreateParticipantResponse>(await SendAsync(request, cancellationToken));
    }

    public Task AddParticipantToSessionAsync(string participantId, CancellationToken cancellationToken) =>
        SendAsync(Request("accounts/{accountId}/sessions/{sessionId}/participants/{participantId}", Method.Put)
            .AddUrlSegment("sessionId", SessionId).AddUrlSegment("participantId", participantId)
            .AddJsonBody(new Subscriptions(SessionId)), cancellationToken);

    public Task DeleteParticipantAsync(string participantId) =>
        SendAsync(Request("accounts/{accountId}/participants/{participantId}", Method.Delete).AddUrlSegment("participantId", participantId),
            CancellationToken.None);

    public void Dispose() => _client.Dispose();

    private RestRequest Request(string resource, Method method) =>
        new RestRequest($"{_settings.WebRtcApiBaseUrl}/{resource}", method).AddUrlSegment("accountId", _settings.AccountId);

    private async Task<RestResponse> SendAsync(RestRequest request, CancellationToken cancellationToken)
    {
        var response = await _client.ExecuteAsync(request, cancellationToken).ConfigureAwait(false);
        return response.IsSuccessStatusCode
            ? response
            : throw new HttpRequestException($"{request.Method} {request.Resource} answered {(int)response.StatusCode}.", response.ErrorException);
    }

    private static T Read<T>(RestResponse response) =>
        JsonSerializer.Deserialize<T>(response.Content ?? "", JsonOptions) ?? throw new JsonException("The answer's body is null.");
}

public sealed record Session(string? Id = null, string? Tag = null);

public sealed record CreateParticipantRequest(IReadOnlyList<string> PublishPermissions, string Tag, string DeviceApiVersion);

public sealed record CreateParticipantResponse(Participant Participant, string Token);

public sealed record Participant(string Id);

public sealed record Subscriptions(string SessionId);

/// <summary>As the app's <c>BandwidthJsonContext</c> (HelloWorld.Blazor/Bandwidth): generated, with its options.</summary>
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    RespectNullableAnnotations = true,
    RespectRequiredConstructorParameters = true)]
[JsonSerializable(typeof(Session))]
[JsonSerializable(typeof(CreateParticipantRequest))]
[JsonSerializable(typeof(CreateParticipantResponse))]
[JsonSerializable(typeof(Subscriptions))]
internal sealed partial class DesignApiJson : JsonSerializerContext;

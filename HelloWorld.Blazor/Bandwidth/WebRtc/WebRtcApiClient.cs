using HelloWorld.Blazor.Bandwidth.Resilience;
using Microsoft.Extensions.Options;
using RestSharp;

namespace HelloWorld.Blazor.Bandwidth.WebRtc;

/// <summary>Bandwidth's WebRTC HTTP API on RestSharp, paths and bodies exactly as <c>webrtc.yml</c> writes them.</summary>
public sealed class WebRtcApiClient(
    HttpClient httpClient, IBandwidthEnvironment environment, IOptions<BandwidthOptions> options,
    IOptions<BandwidthResilienceOptions> resilience, ILogger<WebRtcApiClient> logger)
    : IWebRtcApi, IDisposable
{
    private const string Participants = "accounts/{accountId}/participants";
    private const string Participant = "accounts/{accountId}/participants/{participantId}";
    private const string Sessions = "accounts/{accountId}/sessions";
    private const string Session = "accounts/{accountId}/sessions/{sessionId}";
    private const string SessionParticipants = "accounts/{accountId}/sessions/{sessionId}/participants";
    private const string SessionParticipant = "accounts/{accountId}/sessions/{sessionId}/participants/{participantId}";
    private const string Subscriptions = "accounts/{accountId}/sessions/{sessionId}/participants/{participantId}/subscriptions";

    /// <summary>
    /// Bandwidth stopped selling the WebRTC API on 2023-05-05: accounts opened since get 403 on every operation, which
    /// nothing in the app can fix.
    /// </summary>
    public const string NoWebRtcAccess =
        "This Bandwidth account has no access to the WebRTC API (Bandwidth no longer sells it to new accounts); ask Bandwidth support.";

    private readonly BandwidthRestClient _rest = new(httpClient, () => environment.WebRtcApiBaseUrl, options.Value, logger, forbiddenMeans: NoWebRtcAccess);

    /// <remarks>
    /// An answer the app refuses (no token, not JSON, over 1 MB) that still names the participant gets that participant
    /// deleted before the error is thrown: it exists at Bandwidth, and nobody else would ever learn its id.
    /// </remarks>
    public Task<CreateParticipantResponse> CreateParticipantAsync(CreateParticipantRequest request, CancellationToken cancellationToken = default) =>
        _rest.SendAsync<CreateParticipantResponse>(
            _rest.Request(Participants, Method.Post).AddJsonBody(request), "createParticipant", cancellationToken,
            created => string.IsNullOrEmpty(created.Participant.Id) ? "participant.id" : string.IsNullOrEmpty(created.Token) ? "token" : null,
            new CreatedResource("participant", ["participant", "id"], id => DeleteParticipantAsync(id, CancellationToken.None)));

    public Task<Participant> GetParticipantAsync(string participantId, CancellationToken cancellationToken = default) =>
        _rest.SendAsync<Participant>(
            _rest.Request(Participant, Method.Get).AddUrlSegment("participantId", participantId), "getParticipant", cancellationToken);

    public Task DeleteParticipantAsync(string participantId, CancellationToken cancellationToken = default) =>
        _rest.ExecuteAsync(
            _rest.Request(Participant, Method.Delete).AddUrlSegment("participantId", participantId), "deleteParticipant", cancellationToken);

    /// <remarks>
    /// Its attempt waits up to <see cref="BandwidthResilienceOptions.SessionCreationTimeout"/>: the session is shared, so
    /// a late answer must still be heard rather than leave the session at Bandwidth and a second one made after it.
    /// </remarks>
    public Task<Session> CreateSessionAsync(Session session, CancellationToken cancellationToken = default) =>
        _rest.SendAsync<Session>(_rest.Request(Sessions, Method.Post).AddJsonBody(session), "createSession", cancellationToken,
            created => string.IsNullOrEmpty(created.Id) ? "id" : null, attemptTimeout: resilience.Value.SessionCreationTimeout);

    public Task<Session> GetSessionAsync(string sessionId, CancellationToken cancellationToken = default) =>
        _rest.SendAsync<Session>(_rest.Request(Session, Method.Get).AddUrlSegment("sessionId", sessionId), "getSession", cancellationToken);

    public Task DeleteSessionAsync(string sessionId, CancellationToken cancellationToken = default) =>
        _rest.ExecuteAsync(_rest.Request(Session, Method.Delete).AddUrlSegment("sessionId", sessionId), "deleteSession", cancellationToken);

    public async Task<IReadOnlyList<Participant>> ListSessionParticipantsAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        var request = _rest.Request(SessionParticipants, Method.Get).AddUrlSegment("sessionId", sessionId);
        var response = await _rest.ExecuteAsync(request, "listSessionParticipants", cancellationToken).ConfigureAwait(false);
        return _rest.Read<List<Participant>>(response, "listSessionParticipants") ?? [];
    }

    public Task AddParticipantToSessionAsync(
        string sessionId, string participantId, Subscriptions? subscriptions, CancellationToken cancellationToken = default) =>
        _rest.ExecuteAsync(
            WithOptionalBody(SessionRequest(SessionParticipant, Method.Put, sessionId, participantId), subscriptions),
            "addParticipantToSession", cancellationToken);

    public Task RemoveParticipantFromSessionAsync(string sessionId, string participantId, CancellationToken cancellationToken = default) =>
        _rest.ExecuteAsync(
            SessionRequest(SessionParticipant, Method.Delete, sessionId, participantId), "removeParticipantFromSession", cancellationToken);

    public async Task<Subscriptions> GetParticipantSubscriptionsAsync(string sessionId, string participantId, CancellationToken cancellationToken = default)
    {
        var request = SessionRequest(Subscriptions, Method.Get, sessionId, participantId);
        var response = await _rest.ExecuteAsync(request, "getParticipantSubscriptions", cancellationToken).ConfigureAwait(false);
        return _rest.Read<Subscriptions>(response, "getParticipantSubscriptions") ?? new Subscriptions();
    }

    public Task UpdateParticipantSubscriptionsAsync(
        string sessionId, string participantId, Subscriptions? subscriptions, CancellationToken cancellationToken = default) =>
        _rest.ExecuteAsync(
            WithOptionalBody(SessionRequest(Subscriptions, Method.Put, sessionId, participantId), subscriptions),
            "updateParticipantSubscriptions", cancellationToken);

    public void Dispose() => _rest.Dispose();

    private RestRequest SessionRequest(string resource, Method method, string sessionId, string participantId) =>
        _rest.Request(resource, method).AddUrlSegment("sessionId", sessionId).AddUrlSegment("participantId", participantId);

    private static RestRequest WithOptionalBody(RestRequest request, Subscriptions? subscriptions) =>
        subscriptions is null ? request : request.AddJsonBody(subscriptions);
}

using Microsoft.Extensions.Options;
using RestSharp;

namespace HelloWorld.Blazor.Bandwidth.Voice;

/// <summary>Bandwidth's Voice API (<c>createCall</c>, <c>getCallState</c>, <c>updateCall</c>) on RestSharp.</summary>
public sealed class VoiceApiClient(
    HttpClient httpClient, IBandwidthEnvironment environment, IOptions<BandwidthOptions> options, ILogger<VoiceApiClient> logger)
    : IVoiceApi, IDisposable
{
    private readonly BandwidthRestClient _rest = new(httpClient, () => environment.VoiceApiBaseUrl, options.Value, logger);

    /// <remarks>
    /// An answer the app refuses (not JSON, a field of the wrong type, over 1 MB) that still names the call gets that call
    /// hung up before the error is thrown: Bandwidth is dialing it, and the app could never bring it into the session.
    /// </remarks>
    public Task<CreateCallResponse> CreateCallAsync(CreateCallRequest request, CancellationToken cancellationToken = default) =>
        _rest.SendAsync<CreateCallResponse>(
            _rest.Request("accounts/{accountId}/calls", Method.Post).AddJsonBody(request), "createCall", cancellationToken,
            created => string.IsNullOrEmpty(created.CallId) ? "callId" : null,
            new CreatedResource("call", ["callId"], callId => UpdateCallAsync(callId, UpdateCallRequest.HangUp, CancellationToken.None)));

    public Task<CallStateInformation> GetCallAsync(string callId, CancellationToken cancellationToken = default) =>
        _rest.SendAsync<CallStateInformation>(
            _rest.Request("accounts/{accountId}/calls/{callId}", Method.Get).AddUrlSegment("callId", callId), "getCallState", cancellationToken);

    public Task UpdateCallAsync(string callId, UpdateCallRequest request, CancellationToken cancellationToken = default) =>
        _rest.ExecuteAsync(
            _rest.Request("accounts/{accountId}/calls/{callId}", Method.Post).AddUrlSegment("callId", callId).AddJsonBody(request),
            "updateCall", cancellationToken);

    public void Dispose() => _rest.Dispose();
}

using System.Text.Json;
using System.Text.Json.Serialization;
using Polly.CircuitBreaker;
using Polly.Timeout;
using RestSharp;
using RestSharp.Authenticators;
using RestSharp.Serializers.Json;

namespace HelloWorld.Blazor.Bandwidth;

/// <summary>
/// What both typed clients share: a RestSharp client over the factory's <see cref="HttpClient"/> (whose handler pipeline
/// owns resilience), HTTP Basic with the account's API credentials, the spec's JSON, and one error convention:
/// an error status becomes <see cref="BandwidthApiException"/>, no answer becomes <see cref="BandwidthUnavailableException"/>.
/// </summary>
internal sealed partial class BandwidthRestClient : IDisposable
{
    /// <summary>
    /// The spec's camelCase JSON. Nullable annotations and required constructor parameters are enforced, so an answer
    /// without a field the app relies on (a participant's id, a call's id) fails here, as Bandwidth's fault, rather than
    /// as a null deep inside the app.
    /// </summary>
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
    };

    private readonly RestClient _client;
    private readonly Func<string> _baseUrl;
    private readonly ILogger _logger;

    /// <param name="baseUrl">
    /// Read for every request: in emulator mode the API lives in this app's own host, whose address is known only once it listens.
    /// </param>
    public BandwidthRestClient(HttpClient httpClient, Func<string> baseUrl, BandwidthOptions options, ILogger logger)
    {
        _baseUrl = baseUrl;
        _logger = logger;
        AccountId = options.AccountId ?? string.Empty;
        var restOptions = new RestClientOptions
        {
            Authenticator = new HttpBasicAuthenticator(options.Username ?? string.Empty, options.Password ?? string.Empty),
        };
        _client = new RestClient(httpClient, restOptions, disposeHttpClient: false,
            configureSerialization: serialization => serialization.UseSystemTextJson(JsonOptions));
    }

    public string AccountId { get; }

    /// <summary>A request for <paramref name="resource"/> under the API's base URL, with <c>{accountId}</c> filled in.</summary>
    public RestRequest Request(string resource, Method method) =>
        new RestRequest($"{_baseUrl().TrimEnd('/')}/{resource}", method).AddUrlSegment("accountId", AccountId);

    /// <summary>Sends the request and reads the answer's body as <typeparamref name="T"/>.</summary>
    /// <param name="missingField">
    /// Names a field the app needs that the answer lacks (<c>null</c> when complete), for what the JSON types cannot say
    /// (an empty id).
    /// </param>
    public async Task<T> SendAsync<T>(RestRequest request, string operation, CancellationToken cancellationToken, Func<T, string?>? missingField = null)
    {
        var response = await ExecuteAsync(request, operation, cancellationToken).ConfigureAwait(false);
        if (string.IsNullOrWhiteSpace(response.Content))
        {
            throw Malformed(response, operation, "the body is empty");
        }
        var value = Read<T>(response, operation)!;
        if (missingField?.Invoke(value) is { } field)
        {
            throw Malformed(response, operation, $"'{field}' is missing");
        }
        return value;
    }

    /// <summary>
    /// Reads a successful answer's body; an answer the app cannot read (not JSON, a field missing or of the wrong type,
    /// an enum value the app does not know) is Bandwidth's error, reported as <see cref="BandwidthApiException"/> with
    /// the status Bandwidth sent.
    /// </summary>
    public T? Read<T>(RestResponse response, string operation)
    {
        try
        {
            return string.IsNullOrWhiteSpace(response.Content) ? default : JsonSerializer.Deserialize<T>(response.Content, JsonOptions);
        }
        catch (JsonException exception)
        {
            throw Malformed(response, operation, exception.Message);
        }
    }

    private BandwidthApiException Malformed(RestResponse response, string operation, string problem)
    {
        Log.UnreadableAnswer(_logger, operation, (int)response.StatusCode, problem);
        return new BandwidthApiException(response.StatusCode, operation, $"Bandwidth's answer could not be read: {problem}.");
    }

    /// <summary>Sends the request; returns the successful response (possibly 204 without a body) or throws.</summary>
    public async Task<RestResponse> ExecuteAsync(RestRequest request, string operation, CancellationToken cancellationToken)
    {
        RestResponse response;
        try
        {
            response = await _client.ExecuteAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw Unavailable(operation, exception);
        }

        if (response.ErrorException is { } transportError && response.StatusCode == 0)
        {
            cancellationToken.ThrowIfCancellationRequested();
            throw Unavailable(operation, transportError);
        }
        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        var error = BandwidthError.Parse(response.Content);
        var retryAfter = RetryAfter(response);
        Log.CallFailed(_logger, operation, (int)response.StatusCode, error.Message ?? "(no error text)");
        throw new BandwidthApiException(response.StatusCode, operation, error.Message, error.Type, error.Id, retryAfter);
    }

    public void Dispose() => _client.Dispose();

    private BandwidthUnavailableException Unavailable(string operation, Exception exception)
    {
        var reason = exception switch
        {
            TimeoutRejectedException => "timed out",
            BrokenCircuitException => "circuit open after repeated failures",
            HttpRequestException { HttpRequestError: var kind } => $"connection failed ({kind})",
            _ => exception.GetType().Name,
        };
        Log.CallUnavailable(_logger, operation, reason);
        return new BandwidthUnavailableException(operation, reason, exception);
    }

    private static TimeSpan? RetryAfter(RestResponse response)
    {
        var value = response.GetHeaderValue("Retry-After");
        if (int.TryParse(value, out var seconds))
        {
            return TimeSpan.FromSeconds(seconds);
        }
        return DateTimeOffset.TryParse(value, out var date) ? date - DateTimeOffset.UtcNow : null;
    }

    /// <summary>
    /// Bandwidth's error bodies differ by API and status: WebRTC <c>{error, requestId}</c> or <c>{message}</c>,
    /// Voice <c>{type, description, id}</c>. A body that is not JSON is kept as text.
    /// </summary>
    private readonly record struct BandwidthError(string? Message, string? Type, string? Id)
    {
        public static BandwidthError Parse(string? content)
        {
            if (string.IsNullOrWhiteSpace(content))
            {
                return default;
            }
            try
            {
                using var document = JsonDocument.Parse(content);
                if (document.RootElement.ValueKind != JsonValueKind.Object)
                {
                    return new BandwidthError(Truncate(content), null, null);
                }
                var root = document.RootElement;
                return new BandwidthError(
                    Text(root, "error") ?? Text(root, "message") ?? Text(root, "description"),
                    Text(root, "type"),
                    Text(root, "requestId") ?? Text(root, "id"));
            }
            catch (JsonException)
            {
                return new BandwidthError(Truncate(content), null, null);
            }
        }

        private static string? Text(JsonElement element, string property) =>
            element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

        private static string Truncate(string text) => text.Length <= 300 ? text : text[..300] + "…";
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Bandwidth {Operation} failed with {Status}: {Error}")]
        public static partial void CallFailed(ILogger logger, string operation, int status, string error);

        [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "Bandwidth {Operation} got no answer: {Reason}")]
        public static partial void CallUnavailable(ILogger logger, string operation, string reason);

        [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Bandwidth {Operation} answered {Status} with a body the app cannot read: {Problem}")]
        public static partial void UnreadableAnswer(ILogger logger, string operation, int status, string problem);
    }
}

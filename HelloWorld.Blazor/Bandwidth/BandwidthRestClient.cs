using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using HelloWorld.Blazor.Bandwidth.Resilience;
using HelloWorld.Blazor.Logging;
using HelloWorld.Blazor.Observability;
using Polly.CircuitBreaker;
using Polly.Timeout;
using RestSharp;
using RestSharp.Authenticators;
using RestSharp.Interceptors;
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
    /// as a null deep inside the app. The records require nothing else, so a field the app ignores never fails an answer.
    /// Types come from <see cref="BandwidthJsonContext"/> only: a model missing there fails its first request in tests.
    /// </summary>
    public static readonly JsonSerializerOptions JsonOptions = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        RespectNullableAnnotations = true,
        RespectRequiredConstructorParameters = true,
        TypeInfoResolver = BandwidthJsonContext.Default,
    };

    private readonly RestClient _client;
    private readonly Func<string> _baseUrl;
    private readonly string? _forbiddenMeans;
    private readonly ILogger _logger;

    /// <param name="baseUrl">
    /// Read for every request: in emulator mode the API lives in this app's own host, whose address is known only once it listens.
    /// </param>
    /// <param name="forbiddenMeans">
    /// What a 403 from this API means for the user, when the API has one answer to it; it becomes the exception's message.
    /// </param>
    public BandwidthRestClient(HttpClient httpClient, Func<string> baseUrl, BandwidthOptions options, ILogger logger, string? forbiddenMeans = null)
    {
        _baseUrl = baseUrl;
        _forbiddenMeans = forbiddenMeans;
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
    /// <param name="created">
    /// For a create operation: what Bandwidth made, so that an answer the app refuses does not leave it behind.
    /// </param>
    /// <param name="attemptTimeout">This request's own attempt timeout (<see cref="BandwidthResilience.AttemptTimeoutKey"/>).</param>
    public async Task<T> SendAsync<T>(
        RestRequest request, string operation, CancellationToken cancellationToken, Func<T, string?>? missingField = null,
        CreatedResource? created = null, TimeSpan? attemptTimeout = null)
    {
        RestResponse response;
        try
        {
            response = await ExecuteAsync(request, operation, cancellationToken, attemptTimeout).ConfigureAwait(false);
        }
        catch (BandwidthApiException refused) when (refused.InnerException is BandwidthAnswerTooLargeException tooLarge)
        {
            await UndoAsync(created, tooLarge.Start, operation, cancellationToken).ConfigureAwait(false);
            throw;
        }
        string? problem;
        var value = default(T);
        if (string.IsNullOrWhiteSpace(response.Content))
        {
            problem = "the body is empty";
        }
        else
        {
            problem = TryRead(response.Content, out value) ?? (value is null ? "the body is null" : null);
            if (problem is null && missingField?.Invoke(value!) is { } field)
            {
                problem = $"'{field}' is missing";
            }
        }
        if (problem is null)
        {
            return value!;
        }
        var error = Malformed(response.StatusCode, operation, problem);
        await UndoAsync(created, Encoding.UTF8.GetBytes(response.Content ?? ""), operation, cancellationToken).ConfigureAwait(false);
        throw error;
    }

    /// <summary>
    /// Reads a successful answer's body; an answer the app cannot read (not JSON, a field missing or of the wrong type)
    /// is Bandwidth's error, reported as <see cref="BandwidthApiException"/> with the status Bandwidth sent.
    /// </summary>
    public T? Read<T>(RestResponse response, string operation)
    {
        if (string.IsNullOrWhiteSpace(response.Content))
        {
            return default;
        }
        return TryRead<T>(response.Content, out var value) is { } problem ? throw Malformed(response.StatusCode, operation, problem) : value;
    }

    private static string? TryRead<T>(string content, out T? value)
    {
        try
        {
            value = JsonSerializer.Deserialize<T>(content, JsonOptions);
            return null;
        }
        catch (JsonException exception)
        {
            value = default;
            return exception.Message;
        }
    }

    private BandwidthApiException Malformed(HttpStatusCode status, string operation, string problem, Exception? inner = null)
    {
        problem = LogText.Escape(problem);
        Log.UnreadableAnswer(_logger, operation, (int)status, problem);
        return new BandwidthApiException(status, operation, $"Bandwidth's answer could not be read: {problem}.", innerException: inner);
    }

    /// <summary>
    /// Deletes (or hangs up) what Bandwidth created when the app refuses the answer that named it. The caller is not held
    /// past its own deadline: the undo then goes on by itself and logs how it ended.
    /// </summary>
    private async Task UndoAsync(CreatedResource? created, byte[] answer, string operation, CancellationToken cancellationToken)
    {
        if (created?.FindId(answer) is not { } id)
        {
            return;
        }
        var undo = UndoLoggedAsync(created, id, operation);
        try
        {
            await undo.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
        }
    }

    private async Task UndoLoggedAsync(CreatedResource created, string id, string operation)
    {
        var safeId = LogText.Escape(id, 80);
        try
        {
            await created.UndoAsync(id).ConfigureAwait(false);
            Log.Undone(_logger, created.Kind, safeId, operation);
        }
        catch (Exception exception)
        {
            Log.Orphaned(_logger, created.Kind, safeId, operation, LogText.Escape(exception.Message));
        }
    }

    /// <summary>Sends the request; returns the successful response (possibly 204 without a body) or throws.</summary>
    public async Task<RestResponse> ExecuteAsync(
        RestRequest request, string operation, CancellationToken cancellationToken, TimeSpan? attemptTimeout = null)
    {
        RestResponse response;
        request.Interceptors = [new OperationName(operation, attemptTimeout)];
        try
        {
            response = await _client.ExecuteAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception exception) when (exception is not OperationCanceledException || !cancellationToken.IsCancellationRequested)
        {
            throw Unavailable(operation, exception);
        }

        if (FindTooLarge(response.ErrorException) is { } tooLarge)
        {
            throw Malformed(tooLarge.StatusCode, operation, tooLarge.Message.TrimEnd('.'), tooLarge);
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
        if (response.StatusCode == HttpStatusCode.Forbidden && _forbiddenMeans is not null)
        {
            Log.Forbidden(_logger, operation, _forbiddenMeans, error.Message ?? "(no error text)");
            throw new BandwidthApiException(response.StatusCode, operation, error.Message, error.Type, error.Id, retryAfter, explanation: _forbiddenMeans);
        }
        Log.CallFailed(_logger, operation, (int)response.StatusCode, error.Message ?? "(no error text)");
        throw new BandwidthApiException(response.StatusCode, operation, error.Message, error.Type, error.Id, retryAfter);
    }

    public void Dispose() => _client.Dispose();

    private static BandwidthAnswerTooLargeException? FindTooLarge(Exception? exception)
    {
        for (var current = exception; current is not null; current = current.InnerException)
        {
            if (current is BandwidthAnswerTooLargeException tooLarge)
            {
                return tooLarge;
            }
        }
        return null;
    }

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
    /// Names the operation on the request message, for the client's telemetry (<see cref="BandwidthTelemetryHandler"/>),
    /// and gives the resilience pipeline the request's own attempt timeout, if it has one.
    /// </summary>
    private sealed class OperationName(string operation, TimeSpan? attemptTimeout) : Interceptor
    {
        public override ValueTask BeforeHttpRequest(HttpRequestMessage requestMessage, CancellationToken cancellationToken)
        {
            BandwidthTelemetryHandler.NameOperation(requestMessage, operation);
            if (attemptTimeout is { } timeout)
            {
                requestMessage.Options.Set(BandwidthResilience.AttemptTimeoutKey, timeout);
            }
            return ValueTask.CompletedTask;
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 1001, Level = LogLevel.Warning, Message = "Bandwidth {Operation} failed with {Status}: {Error}")]
        public static partial void CallFailed(ILogger logger, string operation, int status, string error);

        [LoggerMessage(EventId = 1002, Level = LogLevel.Error, Message = "Bandwidth {Operation} got no answer: {Reason}")]
        public static partial void CallUnavailable(ILogger logger, string operation, string reason);

        [LoggerMessage(EventId = 1003, Level = LogLevel.Error, Message = "Bandwidth {Operation} answered {Status} with a body the app cannot read: {Problem}")]
        public static partial void UnreadableAnswer(ILogger logger, string operation, int status, string problem);

        [LoggerMessage(EventId = 1004, Level = LogLevel.Error, Message = "Bandwidth {Operation} answered 403: {Meaning} (Bandwidth said: {Error})")]
        public static partial void Forbidden(ILogger logger, string operation, string meaning, string error);

        [LoggerMessage(EventId = 1005, Level = LogLevel.Warning, Message = "Bandwidth created {Kind} {Id} in {Operation} but its answer was refused: the {Kind} was deleted (or hung up) again")]
        public static partial void Undone(ILogger logger, string kind, string id, string operation);

        [LoggerMessage(EventId = 1006, Level = LogLevel.Error, Message = "Bandwidth created {Kind} {Id} in {Operation} but its answer was refused, and it could not be deleted (or hung up): {Reason}. Delete it in the Bandwidth dashboard or API")]
        public static partial void Orphaned(ILogger logger, string kind, string id, string operation, string reason);
    }
}

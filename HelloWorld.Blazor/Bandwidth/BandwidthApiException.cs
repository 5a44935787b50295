using System.Net;

namespace HelloWorld.Blazor.Bandwidth;

/// <summary>A call to Bandwidth failed. Catch this to handle every Bandwidth failure alike.</summary>
public abstract class BandwidthException(string operation, string message, Exception? innerException = null)
    : Exception(message, innerException)
{
    /// <summary>The API operation that failed, as the spec names it (<c>createParticipant</c>).</summary>
    public string Operation { get; } = operation;
}

/// <summary>
/// Bandwidth answered with an error status, or with an answer the app cannot read. Keeps the status code and Bandwidth's
/// own error text so callers can branch on the status (404: gone, 409: conflict) and logs can say what Bandwidth said.
/// </summary>
/// <param name="explanation">
/// What the error means for the user, when the client knows (a 403 from the WebRTC API): then the <see cref="Exception.Message"/>.
/// </param>
public sealed class BandwidthApiException(
    HttpStatusCode statusCode,
    string operation,
    string? errorMessage,
    string? errorType = null,
    string? requestId = null,
    TimeSpan? retryAfter = null,
    string? explanation = null,
    Exception? innerException = null)
    : BandwidthException(operation, explanation ?? FormatMessage(statusCode, operation, errorMessage), innerException)
{
    public HttpStatusCode StatusCode { get; } = statusCode;

    /// <summary>Bandwidth's error text (<c>error</c>, <c>message</c> or <c>description</c> of its error body).</summary>
    public string? ErrorMessage { get; } = errorMessage;

    /// <summary>The Voice API's error <c>type</c>, when it sent one.</summary>
    public string? ErrorType { get; } = errorType;

    /// <summary>Bandwidth's request or error id, for a support ticket.</summary>
    public string? RequestId { get; } = requestId;

    public TimeSpan? RetryAfter { get; } = retryAfter;

    public bool IsNotFound => StatusCode == HttpStatusCode.NotFound;

    private static string FormatMessage(HttpStatusCode statusCode, string operation, string? errorMessage) =>
        $"Bandwidth {operation} failed with {(int)statusCode} {statusCode}" + (string.IsNullOrEmpty(errorMessage) ? "." : $": {errorMessage}");
}

/// <summary>
/// Bandwidth gave no answer in time: it could not be reached, every attempt timed out, or the circuit breaker is open
/// after repeated failures. Whether the request took effect is unknown.
/// </summary>
public sealed class BandwidthUnavailableException(string operation, string reason, Exception? innerException = null)
    : BandwidthException(operation, $"Bandwidth {operation} got no answer: {reason}", innerException);

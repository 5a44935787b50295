using System.Diagnostics;

namespace HelloWorld.Blazor.Observability;

/// <summary>
/// The outermost handler of a Bandwidth client: one activity per API operation (its attempts, made by the resilience
/// pipeline inside it, are HTTP spans beneath it, and its retries events on it) and the operation's duration by status
/// class. The operation's name (<c>createParticipant</c>) comes from the typed client, through <see cref="NameOperation"/>.
/// </summary>
public sealed class BandwidthTelemetryHandler(string api) : DelegatingHandler
{
    private static readonly HttpRequestOptionsKey<string> OperationKey = new("HelloWorld.Bandwidth.Operation");
    private static readonly HttpRequestOptionsKey<string> ApiKey = new("HelloWorld.Bandwidth.Api");

    /// <summary>The API's short name in every attribute: <c>webrtc</c> or <c>voice</c>.</summary>
    public string Api { get; } = api;

    /// <summary>Names the operation a request carries out, as the spec names it (<c>addParticipantToSession</c>).</summary>
    public static void NameOperation(HttpRequestMessage request, string operation) => request.Options.Set(OperationKey, operation);

    /// <summary>The API and operation of a request sent by a Bandwidth client; <c>null</c> for any other request.</summary>
    public static (string Api, string Operation)? Of(HttpRequestMessage? request) =>
        request is not null && request.Options.TryGetValue(ApiKey, out var api)
            ? (api, request.Options.TryGetValue(OperationKey, out var operation) ? operation : "unknown")
            : null;

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        request.Options.Set(ApiKey, Api);
        var operation = request.Options.TryGetValue(OperationKey, out var named) ? named : "unknown";
        using var activity = AppTelemetry.StartBandwidthOperation(Api, operation);
        var started = Stopwatch.GetTimestamp();
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            activity?.SetTag(AppTelemetry.Tags.StatusCode, status);
            if (status >= 400)
            {
                activity?.SetStatus(ActivityStatusCode.Error);
            }
            AppTelemetry.BandwidthOperationEnded(Api, operation, $"{status / 100}xx", status >= 400 ? status.ToString(System.Globalization.CultureInfo.InvariantCulture) : null,
                Stopwatch.GetElapsedTime(started));
            return response;
        }
        catch (Exception exception)
        {
            var errorType = exception.GetType().Name;
            activity?.SetStatus(ActivityStatusCode.Error, errorType);
            activity?.SetTag(AppTelemetry.Tags.ErrorType, errorType);
            AppTelemetry.BandwidthOperationEnded(Api, operation, "none", errorType, Stopwatch.GetElapsedTime(started));
            throw;
        }
    }
}

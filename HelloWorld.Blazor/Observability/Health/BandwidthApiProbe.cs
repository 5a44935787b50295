using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Text;
using HelloWorld.Blazor.Bandwidth;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Observability.Health;

/// <summary>
/// Whether one of Bandwidth's APIs answers the app: an authenticated GET of a resource that does not exist, which creates
/// nothing and costs nothing. 404 proves the API is reachable and takes the account's credentials; 401 or 403 means it
/// does not take them (or, for WebRTC, that the account has no access to it). One probe at a time, its result kept for
/// <see cref="CacheFor"/>: however often an orchestrator asks, Bandwidth sees at most one request per API per 10 s.
/// </summary>
/// <remarks>
/// Its own client, without the resilience pipeline: a probe must answer within <see cref="Timeout"/>, not retry for 7 s,
/// and its failures must not open the circuit that the participants' requests go through.
/// </remarks>
public sealed partial class BandwidthApiProbe(
    BandwidthApiProbe.Api api,
    IHttpClientFactory clients,
    IBandwidthEnvironment environment,
    IOptions<BandwidthOptions> options,
    TimeProvider timeProvider,
    ILogger<BandwidthApiProbe> logger) : IHealthCheck
{
    public const string ClientName = "bandwidth-health";
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(2);
    public static readonly TimeSpan CacheFor = TimeSpan.FromSeconds(10);

    /// <summary>Ids no resource has: all zeros, in the shape of Bandwidth's own.</summary>
    public const string AbsentSessionId = "00000000-0000-0000-0000-000000000000";
    public const string AbsentCallId = "c-00000000-00000000-0000-0000-0000-000000000000";

    private static readonly HttpRequestOptionsKey<bool> ProbeKey = new("HelloWorld.HealthProbe");

    private readonly Lock _gate = new();
    private Task<HealthCheckResult>? _probe;
    private DateTimeOffset _probedAt;
    private bool? _wasHealthy;

    public enum Api
    {
        /// <summary>The WebRTC API: <c>getSession</c> of a session that does not exist.</summary>
        WebRtc,

        /// <summary>The Voice API: <c>getCallState</c> of a call that does not exist.</summary>
        Voice,
    }

    /// <summary>A probe's own request: kept out of traces, as the probe's endpoint is.</summary>
    public static bool IsProbe(HttpRequestMessage request) => request.Options.TryGetValue(ProbeKey, out var probe) && probe;

    /// <summary>The name of the health check, in <c>/health/ready</c>'s answer.</summary>
    public static string CheckName(Api api) => api == Api.WebRtc ? "bandwidth-webrtc" : "bandwidth-voice";

    private string ProbeUrl(string accountId) => api == Api.WebRtc
        ? $"{environment.WebRtcApiBaseUrl.TrimEnd('/')}/accounts/{Uri.EscapeDataString(accountId)}/sessions/{AbsentSessionId}"
        : $"{environment.VoiceApiBaseUrl.TrimEnd('/')}/accounts/{Uri.EscapeDataString(accountId)}/calls/{AbsentCallId}";

    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        Task<HealthCheckResult> probe;
        lock (_gate)
        {
            if (_probe is null || (_probe.IsCompleted && timeProvider.GetUtcNow() - _probedAt >= CacheFor))
            {
                _probedAt = timeProvider.GetUtcNow();
                _probe = ProbeAsync();
            }
            probe = _probe;
        }
        // A caller that gives up does not cancel the probe the others share.
        return probe.WaitAsync(cancellationToken);
    }

    private async Task<HealthCheckResult> ProbeAsync()
    {
        var target = environment.IsEmulator ? "emulator" : "bandwidth";
        var name = api == Api.WebRtc ? "WebRTC" : "Voice";
        var data = new Dictionary<string, object> { ["target"] = target };
        var started = Stopwatch.GetTimestamp();
        HealthCheckResult result;
        try
        {
            using var deadline = new CancellationTokenSource(Timeout, timeProvider);
            var settings = options.Value;
            using var request = new HttpRequestMessage(HttpMethod.Get, ProbeUrl(settings.AccountId ?? ""));
            request.Options.Set(ProbeKey, true);
            request.Headers.Authorization = new AuthenticationHeaderValue("Basic",
                Convert.ToBase64String(Encoding.UTF8.GetBytes($"{settings.Username}:{settings.Password}")));
            using var response = await clients.CreateClient(ClientName)
                .SendAsync(request, HttpCompletionOption.ResponseHeadersRead, deadline.Token).ConfigureAwait(false);
            var status = (int)response.StatusCode;
            data["status"] = status;
            var elapsed = $"{Stopwatch.GetElapsedTime(started).TotalMilliseconds:0} ms";
            result = response.StatusCode switch
            {
                HttpStatusCode.OK or HttpStatusCode.NotFound => HealthCheckResult.Healthy($"answered {status} in {elapsed}: reachable, credentials accepted", data),
                HttpStatusCode.Unauthorized => HealthCheckResult.Unhealthy(
                    "answered 401: the API credentials (Bandwidth:Username, Bandwidth:Password) were refused", data: data),
                HttpStatusCode.Forbidden => HealthCheckResult.Unhealthy(
                    "answered 403: the account may not use this API with these credentials", data: data),
                _ => HealthCheckResult.Unhealthy($"answered {status} in {elapsed}", data: data),
            };
        }
        catch (OperationCanceledException)
        {
            result = HealthCheckResult.Unhealthy($"no answer within {Timeout.TotalSeconds:0} s", data: data);
        }
        catch (HttpRequestException exception)
        {
            // The kind of failure only: an exception's message may name more of the request than a probe should show.
            result = HealthCheckResult.Unhealthy($"connection failed ({exception.HttpRequestError})", data: data);
        }
        Announce(name, result);
        return result;
    }

    /// <summary>A log line when the API becomes reachable or stops being so, not one per probe.</summary>
    private void Announce(string name, HealthCheckResult result)
    {
        var healthy = result.Status == HealthStatus.Healthy;
        bool? was;
        lock (_gate)
        {
            was = _wasHealthy;
            _wasHealthy = healthy;
        }
        if (healthy && was == false)
        {
            Log.Recovered(logger, name);
        }
        else if (!healthy && was != false)
        {
            Log.NotReady(logger, name, result.Description ?? "");
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Not ready: the Bandwidth {Api} API {Problem}")]
        public static partial void NotReady(ILogger logger, string api, string problem);

        [LoggerMessage(EventId = 6002, Level = LogLevel.Information, Message = "Ready again: the Bandwidth {Api} API answers")]
        public static partial void Recovered(ILogger logger, string api);
    }
}

using System.Net;
using Microsoft.Extensions.Http.Resilience;
using Polly;
using Polly.Timeout;

namespace FloorServer.Design;

/// <summary>
/// The app's resilience pipeline, copied from HelloWorld.Blazor/Bandwidth/Resilience/BandwidthResilience.cs with the
/// defaults of its BandwidthResilienceOptions.cs (the app's appsettings.json changes none): outermost first, total timeout,
/// retry, circuit breaker, attempt timeout, with the same predicates and timeout generators, which run on every request.
/// Left out: the app's log lines on a retry or a circuit change, which run only when those happen.
/// </summary>
internal static class DesignResilience
{
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(3);
    private static readonly TimeSpan TotalTimeout = TimeSpan.FromSeconds(7);
    private static readonly TimeSpan MaxRetryAfter = TimeSpan.FromSeconds(3);

    // The app's per-request attempt timeout (for createSession); read on every attempt whether set or not.
    private static readonly HttpRequestOptionsKey<TimeSpan> AttemptTimeoutKey = new("HelloWorld.Bandwidth.AttemptTimeout");

    public static IHttpClientBuilder AddDesignResilience(this IHttpClientBuilder builder)
    {
        builder.AddResilienceHandler("bandwidth", pipeline => pipeline
            .AddTimeout(new HttpTimeoutStrategyOptions
            {
                Timeout = TotalTimeout,
                TimeoutGenerator = args => ValueTask.FromResult(OwnAttemptTimeout(args.Context) is { } own ? own + TotalTimeout : TotalTimeout),
            })
            .AddRetry(new HttpRetryStrategyOptions
            {
                MaxRetryAttempts = 4,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(200),
                ShouldRetryAfterHeader = true,
                ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context)),
            })
            .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
            {
                FailureRatio = 0.5,
                MinimumThroughput = 20,
                SamplingDuration = TimeSpan.FromSeconds(30),
                BreakDuration = TimeSpan.FromSeconds(5),
            })
            .AddTimeout(new HttpTimeoutStrategyOptions
            {
                Timeout = AttemptTimeout,
                TimeoutGenerator = args => ValueTask.FromResult(OwnAttemptTimeout(args.Context) ?? AttemptTimeout),
            }));
        return builder;
    }

    private static TimeSpan? OwnAttemptTimeout(ResilienceContext context) =>
        context.GetRequestMessage()?.Options.TryGetValue(AttemptTimeoutKey, out var timeout) == true ? timeout : null;

    private static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context)
    {
        var method = outcome.Result?.RequestMessage?.Method ?? context.GetRequestMessage()?.Method;
        var idempotent = method != HttpMethod.Post;
        if (outcome.Result is { } response)
        {
            var retryAfter = response.Headers.RetryAfter;
            var waitsTooLong = retryAfter?.Delta is { } delta && delta > MaxRetryAfter ||
                               retryAfter?.Date is { } date && date - DateTimeOffset.UtcNow > MaxRetryAfter;
            return response.StatusCode switch
            {
                HttpStatusCode.TooManyRequests or HttpStatusCode.ServiceUnavailable => !waitsTooLong,
                HttpStatusCode.BadGateway or HttpStatusCode.GatewayTimeout or HttpStatusCode.RequestTimeout => idempotent,
                _ => false,
            };
        }
        return outcome.Exception switch
        {
            HttpRequestException { HttpRequestError: HttpRequestError.ConnectionError or HttpRequestError.NameResolutionError } => true,
            HttpRequestException or TimeoutRejectedException => idempotent,
            _ => false,
        };
    }
}

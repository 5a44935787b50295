using System.Net;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Http.Resilience;
using Microsoft.Extensions.Options;
using Polly;
using Polly.Timeout;

namespace HelloWorld.Blazor.Bandwidth.Resilience;

public static class BandwidthResilience
{
    /// <summary>
    /// The pipeline every Bandwidth client shares, outermost first: total timeout, retry, circuit breaker, attempt timeout.
    /// </summary>
    public static IHttpClientBuilder AddBandwidthResilience(this IHttpClientBuilder builder)
    {
        builder.Services.AddOptions<BandwidthResilienceOptions>().BindConfiguration(BandwidthResilienceOptions.SectionName).ValidateOnStart();
        builder.Services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<BandwidthResilienceOptions>, BandwidthResilienceOptionsValidator>());
        builder.AddResilienceHandler("bandwidth", (pipeline, context) =>
        {
            var options = context.ServiceProvider.GetRequiredService<IOptions<BandwidthResilienceOptions>>().Value;
            var logger = context.ServiceProvider.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(BandwidthResilience));
            var client = context.BuilderName;

            pipeline
                .AddTimeout(new HttpTimeoutStrategyOptions
                {
                    Timeout = options.TotalTimeout,
                    TimeoutGenerator = args => ValueTask.FromResult(
                        OwnAttemptTimeout(args.Context) is { } own ? own + options.TotalTimeout : options.TotalTimeout),
                })
                .AddRetry(new HttpRetryStrategyOptions
                {
                    MaxRetryAttempts = options.MaxRetryAttempts,
                    BackoffType = DelayBackoffType.Exponential,
                    UseJitter = true,
                    Delay = options.RetryBaseDelay,
                    ShouldRetryAfterHeader = true,
                    ShouldHandle = args => ValueTask.FromResult(ShouldRetry(args.Outcome, args.Context, options.MaxRetryAfter)),
                    OnRetry = args =>
                    {
                        ResilienceLog.Retrying(logger, client, args.AttemptNumber + 1, Describe(args.Outcome), args.RetryDelay);
                        return ValueTask.CompletedTask;
                    },
                })
                .AddCircuitBreaker(new HttpCircuitBreakerStrategyOptions
                {
                    FailureRatio = options.CircuitFailureRatio,
                    MinimumThroughput = options.CircuitMinimumThroughput,
                    SamplingDuration = options.CircuitSamplingDuration,
                    BreakDuration = options.CircuitBreakDuration,
                    OnOpened = args =>
                    {
                        ResilienceLog.CircuitOpened(logger, client, args.BreakDuration, Describe(args.Outcome));
                        return ValueTask.CompletedTask;
                    },
                    OnClosed = _ =>
                    {
                        ResilienceLog.CircuitClosed(logger, client);
                        return ValueTask.CompletedTask;
                    },
                })
                .AddTimeout(new HttpTimeoutStrategyOptions
                {
                    Timeout = options.AttemptTimeout,
                    TimeoutGenerator = args => ValueTask.FromResult(OwnAttemptTimeout(args.Context) ?? options.AttemptTimeout),
                });
        });
        return builder;
    }

    /// <summary>
    /// A request's own attempt timeout, in place of <see cref="BandwidthResilienceOptions.AttemptTimeout"/>: for an
    /// operation whose late answer must still be heard (see <see cref="BandwidthResilienceOptions.SessionCreationTimeout"/>).
    /// Its total timeout grows by as much, so refusals before it are still retried.
    /// </summary>
    public static readonly HttpRequestOptionsKey<TimeSpan> AttemptTimeoutKey = new("HelloWorld.Bandwidth.AttemptTimeout");

    private static TimeSpan? OwnAttemptTimeout(ResilienceContext context) =>
        context.GetRequestMessage()?.Options.TryGetValue(AttemptTimeoutKey, out var timeout) == true ? timeout : null;

    /// <summary>
    /// GET, PUT and DELETE are idempotent: any transient failure may be retried. A POST creates something (a participant,
    /// a session, a call), so it is retried only when the request provably did not take effect: 429 and 503 mean Bandwidth
    /// refused it before doing anything, and a connection error means it never reached Bandwidth. After a 500, 502, 504 or
    /// a timeout the participant or call may exist already, and a retry could create a second one.
    /// </summary>
    internal static bool ShouldRetry(Outcome<HttpResponseMessage> outcome, ResilienceContext context, TimeSpan maxRetryAfter)
    {
        var method = outcome.Result?.RequestMessage?.Method ?? context.GetRequestMessage()?.Method;
        var idempotent = method != HttpMethod.Post;

        if (outcome.Result is { } response)
        {
            var retryAfter = response.Headers.RetryAfter;
            var waitsTooLong = retryAfter?.Delta is { } delta && delta > maxRetryAfter ||
                               retryAfter?.Date is { } date && date - DateTimeOffset.UtcNow > maxRetryAfter;
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

    private static string Describe(Outcome<HttpResponseMessage> outcome) =>
        outcome.Result is { } response
            ? $"{(int)response.StatusCode} {response.StatusCode}"
            : outcome.Exception?.GetType().Name ?? "no outcome";
}

internal static partial class ResilienceLog
{
    [LoggerMessage(EventId = 1101, Level = LogLevel.Warning, Message = "Bandwidth {Client} call failed ({Outcome}); retry {Attempt} in {Delay}")]
    public static partial void Retrying(ILogger logger, string client, int attempt, string outcome, TimeSpan delay);

    [LoggerMessage(EventId = 1102, Level = LogLevel.Error, Message = "Bandwidth {Client} circuit opened for {BreakDuration} after repeated failures (last: {Outcome})")]
    public static partial void CircuitOpened(ILogger logger, string client, TimeSpan breakDuration, string outcome);

    [LoggerMessage(EventId = 1103, Level = LogLevel.Information, Message = "Bandwidth {Client} circuit closed: calls flow again")]
    public static partial void CircuitClosed(ILogger logger, string client);
}

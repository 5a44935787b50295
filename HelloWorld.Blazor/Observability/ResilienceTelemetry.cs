using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Polly;
using Polly.Retry;
using Polly.Telemetry;

namespace HelloWorld.Blazor.Observability;

/// <summary>
/// Listens to the Bandwidth clients' resilience pipelines (Polly's telemetry, which Microsoft.Extensions.Http.Resilience
/// turns on): each retry is counted and written as an event on the operation's activity, and each circuit breaker's state
/// is kept for the <c>helloworld.bandwidth.circuit.state</c> gauge.
/// </summary>
public sealed class ResilienceTelemetry : TelemetryListener
{
    private const string Closed = "closed", Open = "open", HalfOpen = "half_open";
    private static readonly string[] States = [Closed, Open, HalfOpen];
    private static readonly string[] Apis = ["webrtc", "voice"];

    // Per API, for the process: the breakers of one process are what a dashboard wants to see.
    private static readonly ConcurrentDictionary<string, string> Circuits = new(StringComparer.Ordinal);

    public override void Write<TResult, TArgs>(in TelemetryEventArguments<TResult, TArgs> args)
    {
        if (BandwidthTelemetryHandler.Of(args.Context.GetRequestMessage()) is not var (api, operation))
        {
            return;
        }
        switch (args.Event.EventName)
        {
            case "OnRetry" when args.Arguments is OnRetryArguments<TResult> retry:
                var errorType = ErrorType(args.Outcome);
                AppTelemetry.Retried(api, operation, errorType);
                // Current is the operation's activity: the attempt that failed has ended, the next has not begun.
                Activity.Current?.AddEvent(new ActivityEvent("retry", tags: new ActivityTagsCollection
                {
                    ["retry.attempt"] = retry.AttemptNumber + 1,
                    ["retry.delay_ms"] = retry.RetryDelay.TotalMilliseconds,
                    [AppTelemetry.Tags.ErrorType] = errorType,
                }));
                break;
            case "OnCircuitOpened":
                Circuits[api] = Open;
                break;
            case "OnCircuitHalfOpened":
                Circuits[api] = HalfOpen;
                break;
            case "OnCircuitClosed":
                Circuits[api] = Closed;
                break;
        }
    }

    /// <summary>The gauge's measurements: for each API, 1 for the state its breaker is in and 0 for the others.</summary>
    internal static IEnumerable<Measurement<int>> CircuitStates() =>
        from api in Apis
        let current = Circuits.GetValueOrDefault(api, Closed)
        from state in States
        select new Measurement<int>(state == current ? 1 : 0,
            new KeyValuePair<string, object?>(AppTelemetry.Tags.Api, api), new KeyValuePair<string, object?>(AppTelemetry.Tags.CircuitState, state));

    private static string ErrorType<TResult>(Outcome<TResult>? outcome) => outcome switch
    {
        { Result: HttpResponseMessage response } => ((int)response.StatusCode).ToString(System.Globalization.CultureInfo.InvariantCulture),
        { Exception: { } exception } => exception.GetType().Name,
        _ => "unknown",
    };
}

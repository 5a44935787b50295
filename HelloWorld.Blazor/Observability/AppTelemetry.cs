using System.Diagnostics;
using System.Diagnostics.Metrics;
using HelloWorld.Blazor.Conference;

namespace HelloWorld.Blazor.Observability;

/// <summary>
/// The app's own traces and the metrics it records as things happen, on the <see cref="Name"/> activity source and meter,
/// named after OpenTelemetry's semantic conventions (dotted lowercase names, units in UCUM, <c>{thing}</c> for counts).
/// </summary>
/// <remarks>
/// Static, as <see cref="ActivitySource"/> and <see cref="Meter"/> are meant to be: the code that records (a webhook
/// filter, a participant refused under a lock) needs no service to do it, and with nobody listening an activity is never
/// created and a measurement is dropped at once. What is observed from a host's services (participants, calls) is in
/// <see cref="ConferenceMetrics"/>, on a meter of that host.
/// </remarks>
public static class AppTelemetry
{
    /// <summary>The name of the activity source and of the meters: what an OpenTelemetry pipeline subscribes to.</summary>
    public const string Name = "HelloWorld.Blazor";

    public static readonly ActivitySource Source = new(Name);

    private static readonly Meter Meter = new(Name);

    private static readonly Histogram<double> WebhookDuration = Meter.CreateHistogram<double>(
        "helloworld.webhook.duration", "s", "How long the app took to answer a Voice webhook, from its bound body to its answer.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 15] });

    private static readonly Histogram<double> BandwidthDuration = Meter.CreateHistogram<double>(
        "helloworld.bandwidth.request.duration", "s", "One Bandwidth API operation as the app sees it: all its attempts and the waits between them.",
        advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 7.5, 10] });

    private static readonly Counter<long> Retries = Meter.CreateCounter<long>(
        "helloworld.bandwidth.retries", "{retry}", "Bandwidth API attempts the resilience pipeline retried.");

    private static readonly Counter<long> Refusals = Meter.CreateCounter<long>(
        "helloworld.participant.refused", "{participant}", "Participants refused before anything was created: the session or the client was at its ceiling.");

    private static readonly Counter<long> OrphansDeleted = Meter.CreateCounter<long>(
        "helloworld.reconciliation.orphans_deleted", "{participant}", "The app's participants held by nobody that the sweep found and deleted.");

    static AppTelemetry()
    {
        Meter.CreateObservableGauge("helloworld.bandwidth.circuit.state", ResilienceTelemetry.CircuitStates, "{state}",
            "The circuit breaker of each Bandwidth API: 1 for the state it is in (closed, open, half_open), 0 for the others.");
    }

    /// <summary>A webhook's activity: the Bandwidth calls its work makes are its children.</summary>
    internal static Activity? StartWebhook(string eventType, string? callId)
    {
        var activity = Source.StartActivity($"webhook {eventType}");
        activity?.SetTag(Tags.EventType, eventType);
        activity?.SetTag(Tags.CallId, callId);
        return activity;
    }

    internal static void WebhookAnswered(string eventType, string outcome, TimeSpan duration) =>
        WebhookDuration.Record(duration.TotalSeconds, new(Tags.EventType, eventType), new(Tags.WebhookOutcome, outcome));

    /// <summary>
    /// A browser joining (the call page, a <c>/connectionInfo</c> client). Phones join inside a webhook or a placed call,
    /// whose activity already names the call.
    /// </summary>
    public static Activity? StartJoin(ParticipantKind kind) =>
        kind == ParticipantKind.Browser ? Source.StartActivity("browser join") : null;

    /// <summary>A call the app places (the CALL button, <c>POST /callPhone</c>); tag it with the call id once Bandwidth gives one.</summary>
    public static Activity? StartPlacingCall() => Source.StartActivity("phone call place");

    internal static Activity? StartBandwidthOperation(string api, string operation)
    {
        var activity = Source.StartActivity($"bandwidth {operation}");
        activity?.SetTag(Tags.Api, api);
        activity?.SetTag(Tags.Operation, operation);
        return activity;
    }

    internal static void BandwidthOperationEnded(string api, string operation, string statusClass, string? errorType, TimeSpan duration) =>
        BandwidthDuration.Record(duration.TotalSeconds,
            new(Tags.Api, api), new(Tags.Operation, operation), new(Tags.StatusClass, statusClass), new(Tags.ErrorType, errorType));

    internal static void Retried(string api, string operation, string errorType) =>
        Retries.Add(1, new(Tags.Api, api), new(Tags.Operation, operation), new(Tags.ErrorType, errorType));

    public static void ParticipantRefused(ParticipantRefusal reason) =>
        Refusals.Add(1, new KeyValuePair<string, object?>(Tags.RefusalReason, reason == ParticipantRefusal.SessionFull ? "session_full" : "client_limit"));

    /// <summary>Bandwidth answered 409 to adding a participant: its own ceiling, whatever the app counted.</summary>
    public static void ParticipantRefusedByBandwidth() =>
        Refusals.Add(1, new KeyValuePair<string, object?>(Tags.RefusalReason, "bandwidth_full"));

    public static void OrphansSwept(int deleted)
    {
        if (deleted > 0)
        {
            OrphansDeleted.Add(deleted);
        }
    }

    /// <summary>Attribute names, shared by the app's activities and metrics.</summary>
    public static class Tags
    {
        public const string CallId = "bandwidth.call.id";
        public const string EventType = "bandwidth.event_type";
        public const string Api = "bandwidth.api";
        public const string Operation = "bandwidth.operation";
        public const string StatusClass = "http.response.status_class";
        public const string StatusCode = "http.response.status_code";
        public const string ErrorType = "error.type";
        public const string WebhookOutcome = "helloworld.webhook.outcome";
        public const string RefusalReason = "helloworld.refusal.reason";
        public const string ParticipantKind = "helloworld.participant.kind";
        public const string ParticipantId = "helloworld.participant.id";
        public const string SessionId = "helloworld.session.id";
        public const string CallDirection = "helloworld.call.direction";
        public const string CallState = "helloworld.call.state";
        public const string CircuitState = "helloworld.circuit.state";
    }
}

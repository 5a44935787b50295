using HelloWorld.Blazor.Observability.Health;
using HelloWorld.Emulator.Telemetry;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;
using Polly.Telemetry;

namespace HelloWorld.Blazor.Observability;

public static class ObservabilityExtensions
{
    /// <summary>The standard variable: the Aspire dashboard, an OpenTelemetry Collector or any OTLP backend.</summary>
    public const string OtlpEndpointVariable = "OTEL_EXPORTER_OTLP_ENDPOINT";

    /// <summary>
    /// Health checks (<see cref="HealthEndpoints"/>), the app's metrics and traces (<see cref="AppTelemetry"/>,
    /// <see cref="ConferenceMetrics"/>, the Bandwidth clients' <see cref="BandwidthTelemetryHandler"/> and
    /// <see cref="ResilienceTelemetry"/>), and their export over OTLP when <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> is set.
    /// Without it no OpenTelemetry SDK is built at all: nothing listens, so no activity is created and every measurement
    /// is dropped where it is made (<c>dotnet-counters</c> can still read the meters).
    /// </summary>
    public static WebApplicationBuilder AddObservability(this WebApplicationBuilder builder)
    {
        builder.AddHealth();
        builder.Services.AddHostedService<ConferenceMetrics>();
        builder.Services.AddOptions<TelemetryOptions>().Configure(polly => polly.TelemetryListeners.Add(new ResilienceTelemetry()));
        if (!string.IsNullOrWhiteSpace(builder.Configuration[OtlpEndpointVariable]))
        {
            // Endpoint, protocol and headers from the standard OTEL_EXPORTER_OTLP_* variables; OTEL_SERVICE_NAME names the service.
            builder.Services.AddAppOpenTelemetry().UseOtlpExporter();
        }
        return builder;
    }

    /// <summary>
    /// What the app exports, without saying where to: its own and the emulator's meters, ASP.NET Core's (Blazor circuits
    /// included), HttpClient's and the runtime's; traces of its own activities, of requests (not health probes) and of
    /// HttpClient calls; logs as they are written, with their <c>[LoggerMessage]</c> attributes. URL query values are
    /// redacted by the instrumentations (the emulator's device URL carries a token in its query).
    /// </summary>
    public static OpenTelemetryBuilder AddAppOpenTelemetry(this IServiceCollection services) =>
        services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(AppTelemetry.Name))
            .WithMetrics(metrics => metrics
                .AddMeter(AppTelemetry.Name, EmulatorMeter.Name)
                .AddMeter("Microsoft.AspNetCore.Components", "Microsoft.AspNetCore.Components.Server.Circuits")
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation())
            .WithTracing(tracing => tracing
                .AddSource(AppTelemetry.Name)
                .AddAspNetCoreInstrumentation(aspNetCore => aspNetCore.Filter = context => !HealthEndpoints.IsHealthPath(context.Request.Path))
                .AddHttpClientInstrumentation(http => http.FilterHttpRequestMessage = request => !BandwidthApiProbe.IsProbe(request)))
            .WithLogging(configureBuilder: null, configureOptions: logging =>
            {
                logging.IncludeFormattedMessage = true;
                // Scopes would add what the app never chose to log (the request path and ids, HttpClient's request URI).
                logging.IncludeScopes = false;
            });
}

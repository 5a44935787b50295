using System.Text.Json;
using HelloWorld.Blazor.Bandwidth;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace HelloWorld.Blazor.Observability.Health;

/// <summary>
/// <c>GET /health/live</c>: the process serves (200, nothing checked). <c>GET /health/ready</c>: it can do its job:
/// Bandwidth's WebRTC and Voice APIs answer (the emulator's in emulator mode), and Redis when
/// <c>ConnectionStrings:redis</c> is set; 503 otherwise, with a JSON body naming what failed. Neither needs credentials,
/// counts against a rate limit, nor appears in the request metrics or traces: an orchestrator asks every few seconds.
/// </summary>
public static class HealthEndpoints
{
    public const string LivePath = "/health/live";
    public const string ReadyPath = "/health/ready";
    private const string ReadyTag = "ready";

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web) { WriteIndented = true };

    public static bool IsHealthPath(PathString path) =>
        path.StartsWithSegments(LivePath, StringComparison.OrdinalIgnoreCase) || path.StartsWithSegments(ReadyPath, StringComparison.OrdinalIgnoreCase);

    internal static void AddHealth(this WebApplicationBuilder builder)
    {
        builder.Services.TryAddSingleton(TimeProvider.System);
        builder.Services.AddHttpClient(BandwidthApiProbe.ClientName);
        builder.Services.AddKeyedSingleton(BandwidthApiProbe.Api.WebRtc, (sp, _) => ActivatorUtilities.CreateInstance<BandwidthApiProbe>(sp, BandwidthApiProbe.Api.WebRtc));
        builder.Services.AddKeyedSingleton(BandwidthApiProbe.Api.Voice, (sp, _) => ActivatorUtilities.CreateInstance<BandwidthApiProbe>(sp, BandwidthApiProbe.Api.Voice));
        var checks = builder.Services.AddHealthChecks();
        foreach (var api in (BandwidthApiProbe.Api[])[BandwidthApiProbe.Api.WebRtc, BandwidthApiProbe.Api.Voice])
        {
            checks.Add(new HealthCheckRegistration(BandwidthApiProbe.CheckName(api), sp => sp.GetRequiredKeyedService<BandwidthApiProbe>(api),
                HealthStatus.Unhealthy, [ReadyTag], BandwidthApiProbe.Timeout + TimeSpan.FromSeconds(1)));
        }
        if (builder.Configuration.GetConnectionString(RedisHealthCheck.ConnectionStringName) is { Length: > 0 } redis)
        {
            builder.Services.AddSingleton(sp => new RedisHealthCheck(sp, redis));
            checks.Add(new HealthCheckRegistration(RedisHealthCheck.CheckName, sp => sp.GetRequiredService<RedisHealthCheck>(),
                HealthStatus.Unhealthy, [ReadyTag], BandwidthApiProbe.Timeout + TimeSpan.FromSeconds(1)));
        }
        // Each failing check would log an error on every probe; the checks log when readiness changes instead.
        builder.Logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks.DefaultHealthCheckService", LogLevel.Critical);
    }

    public static WebApplication MapHealthEndpoints(this WebApplication app)
    {
        Map(app, LivePath, new HealthCheckOptions { Predicate = _ => false, ResponseWriter = WriteAsync });
        Map(app, ReadyPath, new HealthCheckOptions { Predicate = check => check.Tags.Contains(ReadyTag), ResponseWriter = WriteAsync });
        return app;
    }

    private static void Map(WebApplication app, string path, HealthCheckOptions options) =>
        app.MapHealthChecks(path, options).AllowAnonymous().DisableRateLimiting().DisableHttpMetrics();

    /// <summary>
    /// <c>{"status":"Unhealthy","mode":"account","checks":[{"name":"bandwidth-webrtc","status":"Unhealthy","description":
    /// "connection failed (ConnectionError)","durationMs":3,"data":{"target":"bandwidth"}}]}</c>: what each check found, in
    /// its own words, which never hold a credential or a URL.
    /// </summary>
    private static Task WriteAsync(HttpContext context, HealthReport report)
    {
        var emulated = context.RequestServices.GetRequiredService<IBandwidthEnvironment>().IsEmulator;
        context.Response.ContentType = "application/json; charset=utf-8";
        var body = new
        {
            status = report.Status.ToString(),
            mode = emulated ? "emulator" : "account",
            checks = report.Entries.Select(entry => new
            {
                name = entry.Key,
                status = entry.Value.Status.ToString(),
                description = entry.Value.Description,
                durationMs = Math.Round(entry.Value.Duration.TotalMilliseconds, 1),
                data = entry.Value.Data,
            }),
        };
        return context.Response.WriteAsync(JsonSerializer.Serialize(body, Json));
    }
}

using System.Globalization;
using System.Threading.RateLimiting;
using HelloWorld.Blazor.Conference;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Api;

public static class ApiExtensions
{
    public const string CallPhonePolicy = "call-phone";
    public const string ConnectionInfoPolicy = "connection-info";

    /// <summary>
    /// The app's own small API (<c>/connectionInfo</c>, <c>/callPhone</c>): its settings, the lifetime of the participants
    /// it hands out (drained at shutdown like the phone calls' work), and per-client rate limits.
    /// </summary>
    public static IServiceCollection AddAppApi(this IServiceCollection services)
    {
        services.AddOptions<ConnectionInfoOptions>().BindConfiguration(ConnectionInfoOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ConnectionInfoOptions>, ConnectionInfoOptionsValidator>();
        services.AddSingleton<ConnectionInfoParticipants>();
        services.AddSingleton<IBackgroundWork>(sp => sp.GetRequiredService<ConnectionInfoParticipants>());
        return services.AddApiRateLimits();
    }

    /// <summary>Per-client limits on the endpoints that create Bandwidth resources (the service adds a global one for calls).</summary>
    private static IServiceCollection AddApiRateLimits(this IServiceCollection services)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.AddPolicy(CallPhonePolicy, context => PerClient(context,
                context.RequestServices.GetRequiredService<IOptions<PhoneCallOptions>>().Value.MaxCallsPerClientPerMinute));
            limiter.AddPolicy(ConnectionInfoPolicy, context => PerClient(context, permitsPerMinute: 30));
            limiter.OnRejected = async (rejected, cancellationToken) =>
            {
                var response = rejected.HttpContext.Response;
                if (rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var retryAfter))
                {
                    response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
                }
                await response.WriteAsJsonAsync(new ProblemDetails
                {
                    Status = StatusCodes.Status429TooManyRequests,
                    Title = "Too many requests",
                    Detail = "This client sent too many requests; try again later.",
                }, cancellationToken);
            };
        });
        return services;
    }

    private static RateLimitPartition<string> PerClient(HttpContext context, int permitsPerMinute) =>
        RateLimitPartition.GetFixedWindowLimiter(context.Connection.RemoteIpAddress?.ToString() ?? "unknown", _ => new FixedWindowRateLimiterOptions
        {
            PermitLimit = Math.Max(1, permitsPerMinute),
            Window = TimeSpan.FromMinutes(1),
            QueueLimit = 0,
        });
}

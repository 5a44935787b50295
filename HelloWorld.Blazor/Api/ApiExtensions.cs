using System.Globalization;
using System.Threading.RateLimiting;
using HelloWorld.Blazor.Conference;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Api;

public static class ApiExtensions
{
    /// <summary>
    /// The app's own small API (<c>/connectionInfo</c>, <c>/callPhone</c>): its settings, and the leases of the
    /// participants it hands out (drained at shutdown like the phone calls' work). Their per-client and overall limits
    /// live in the services they share with the page (<see cref="PerMinuteLimit"/>), not in the HTTP pipeline: the CALL
    /// button and <c>POST /callPhone</c> spend from one limit.
    /// </summary>
    public static IServiceCollection AddAppApi(this IServiceCollection services)
    {
        services.AddOptions<ConnectionInfoOptions>().BindConfiguration(ConnectionInfoOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<ConnectionInfoOptions>, ConnectionInfoOptionsValidator>();
        services.AddSingleton<ConnectionInfoParticipants>();
        services.AddSingleton<IBackgroundWork>(sp => sp.GetRequiredService<ConnectionInfoParticipants>());
        return services.AddRateLimitAnswers();
    }

    /// <summary>
    /// What <c>UseRateLimiter</c> answers for any endpoint given a rate-limit policy: 429, <c>Retry-After</c> and a problem body.
    /// </summary>
    private static IServiceCollection AddRateLimitAnswers(this IServiceCollection services)
    {
        services.AddRateLimiter(limiter =>
        {
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
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
}

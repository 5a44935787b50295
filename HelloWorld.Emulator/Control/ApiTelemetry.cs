using System.Diagnostics;
using System.Globalization;
using HelloWorld.Emulator.Http;
using Microsoft.AspNetCore.Http;

namespace HelloWorld.Emulator.Control;

/// <summary>
/// Wraps every emulated API call: applies injected faults first, then records method, path, status and duration.
/// </summary>
internal sealed class ApiTelemetry(RequestLog log, FaultInjector faults, TimeProvider timeProvider) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var request = context.HttpContext.Request;
        var started = Stopwatch.GetTimestamp();
        var at = timeProvider.GetUtcNow();
        object? result;
        var fault = faults.Match(request.Method, request.Path);
        try
        {
            if (fault?.DelayMs is { } delay)
            {
                await Task.Delay(delay, context.HttpContext.RequestAborted).ConfigureAwait(false);
            }
            if (fault?.Status is { } status)
            {
                if (fault.RetryAfterSeconds is { } retryAfter)
                {
                    context.HttpContext.Response.Headers.RetryAfter = retryAfter.ToString(CultureInfo.InvariantCulture);
                }
                result = ApiResults.Error(request.Path, status, "injected-fault", $"Fault injected by the emulator's control API (rule {fault.Id}).");
            }
            else
            {
                result = await next(context).ConfigureAwait(false);
            }
        }
        catch
        {
            // The host turns the exception into a 500; the log must still show the request, or a test counting round
            // trips (or hunting the failure) would never see it.
            log.Add(request.Method, request.Path, StatusCodes.Status500InternalServerError, Stopwatch.GetElapsedTime(started).TotalMilliseconds,
                at, faulted: false);
            throw;
        }
        var statusCode = result is IStatusCodeHttpResult { StatusCode: { } code } ? code : StatusCodes.Status200OK;
        log.Add(request.Method, request.Path, statusCode, Stopwatch.GetElapsedTime(started).TotalMilliseconds, at, fault?.Status is not null);
        return result;
    }
}

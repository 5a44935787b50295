using System.Diagnostics;
using System.Globalization;
using HelloWorld.Emulator.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;

namespace HelloWorld.Emulator.Control;

/// <summary>
/// Wraps every emulated API call: applies injected faults first, then records method, path, status and duration, and
/// logs every answer that is an error (the answer's body says why; the log says that it happened).
/// </summary>
internal sealed partial class ApiTelemetry(RequestLog log, FaultInjector faults, TimeProvider timeProvider, ILogger<ApiTelemetry> logger) : IEndpointFilter
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
        if (statusCode >= 400)
        {
            Log.ErrorAnswer(logger, request.Method, request.Path, statusCode, fault is null ? "" : $"(injected by fault rule {fault.Id})");
        }
        return result;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9101, Level = LogLevel.Information, Message = "Emulator answered {Method} {Path} with {Status} {Fault}")]
        public static partial void ErrorAnswer(ILogger logger, string method, string path, int status, string fault);
    }
}

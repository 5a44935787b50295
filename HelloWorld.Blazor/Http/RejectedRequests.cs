using HelloWorld.Blazor.Logging;

namespace HelloWorld.Blazor.Http;

/// <summary>
/// Makes sure every refused webhook (and refused <c>POST /callPhone</c>) leaves a log line, whoever refused it: the server
/// (body too large), MVC (wrong content type, no body) or the controller (which logs the reason itself and marks the
/// request as logged).
/// </summary>
public sealed partial class RejectedRequests(RequestDelegate next, ILogger<RejectedRequests> logger)
{
    private const string LoggedKey = "HelloWorld.RejectionLogged";
    private static readonly string[] GuardedPaths = [.. Webhooks.WebhookRoutes.All, "/callPhone"];

    public static bool IsGuarded(HttpContext context) =>
        GuardedPaths.Any(path => context.Request.Path.Equals(path, StringComparison.OrdinalIgnoreCase));

    public static void MarkLogged(HttpContext context) => context.Items[LoggedKey] = true;

    public async Task InvokeAsync(HttpContext context)
    {
        try
        {
            await next(context);
        }
        catch (BadHttpRequestException exception)
        {
            // Thrown while reading the body, e.g. past the size limit: the request is the problem, not the app.
            context.Response.StatusCode = exception.StatusCode;
        }
        var status = context.Response.StatusCode;
        if (status is >= 400 and < 500 && !context.Items.ContainsKey(LoggedKey))
        {
            if (status == StatusCodes.Status401Unauthorized && string.IsNullOrEmpty(context.Request.Headers.Authorization))
            {
                Challenged(logger, LogText.Escape(context.Request.Path)); // Bandwidth's first attempt always comes without credentials
            }
            else
            {
                Refused(logger, LogText.Escape(context.Request.Method, 16), LogText.Escape(context.Request.Path), status,
                    LogText.Escape(context.Request.ContentType ?? "none", 100), context.Request.ContentLength);
            }
        }
    }

    [LoggerMessage(EventId = 3301, Level = LogLevel.Debug, Message = "Challenged a Voice webhook to {Path} for its credentials")]
    private static partial void Challenged(ILogger logger, string path);

    [LoggerMessage(EventId = 3302, Level = LogLevel.Warning, Message = "Refused {Method} {Path} with {Status} (content type {ContentType}, {Length} bytes)")]
    private static partial void Refused(ILogger logger, string method, string path, int status, string contentType, long? length);
}

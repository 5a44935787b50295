using HelloWorld.Blazor.Logging;
using Microsoft.AspNetCore.Mvc;

namespace HelloWorld.Blazor.Http;

/// <summary>What the Voice webhooks (<c>Webhooks/</c>) and the app's API (<c>Api/</c>) share: both are MVC controllers.</summary>
public static partial class HttpExtensions
{
    /// <summary>
    /// The controllers of <c>Webhooks/</c> and <c>Api/</c>, answering errors as problem details. A request MVC refuses
    /// before a controller runs (a missing or malformed field) is logged with the fields at fault.
    /// </summary>
    public static IServiceCollection AddAppControllers(this IServiceCollection services)
    {
        services.AddProblemDetails();
        services.AddControllers().ConfigureApiBehaviorOptions(api =>
        {
            var defaultResponse = api.InvalidModelStateResponseFactory;
            api.InvalidModelStateResponseFactory = context => LogInvalid(context, defaultResponse);
        });
        return services;
    }

    /// <summary>
    /// A log line for every refused webhook and <c>POST /callPhone</c>, whoever refused it (see <see cref="RejectedRequests"/>).
    /// Before authentication, so that the refusals it sees include its 401s.
    /// </summary>
    public static IApplicationBuilder UseRejectedRequestLog(this IApplicationBuilder app) =>
        app.UseWhen(RejectedRequests.IsGuarded, guarded => guarded.UseMiddleware<RejectedRequests>());

    private static IActionResult LogInvalid(ActionContext context, Func<ActionContext, IActionResult> defaultResponse)
    {
        var logger = context.HttpContext.RequestServices.GetRequiredService<ILoggerFactory>().CreateLogger(typeof(HttpExtensions));
        // The keys are JSON paths from the request body: the client chose them, newlines included.
        var fields = string.Join(", ", context.ModelState.Where(entry => entry.Value?.Errors.Count > 0).Select(entry => LogText.Escape(entry.Key, 80)));
        InvalidRequest(logger, LogText.Escape(context.HttpContext.Request.Path), fields);
        RejectedRequests.MarkLogged(context.HttpContext);
        return defaultResponse(context);
    }

    [LoggerMessage(EventId = 3201, Level = LogLevel.Warning, Message = "Rejected a malformed request to {Path} (invalid: {Fields})")]
    private static partial void InvalidRequest(ILogger logger, string path, string fields);
}

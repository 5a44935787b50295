using HelloWorld.Blazor.Http;
using HelloWorld.Blazor.Logging;
using Microsoft.AspNetCore.Authorization;
using Microsoft.AspNetCore.Mvc;

namespace HelloWorld.Blazor.Webhooks;

/// <summary>
/// A GET on a webhook route: a Voice application set to send its callbacks by GET, which this app does not take (the
/// payload would come as query parameters, and a webhook's effects do not belong in a GET). Answered 405 at once, without
/// the credentials challenge, and logged with what to change.
/// </summary>
[AllowAnonymous]
public sealed partial class WebhookMethodController(ILogger<WebhookMethodController> logger) : ControllerBase
{
    public const string UsePost =
        "Bandwidth's Voice webhooks must use POST: set the Voice application's callback method to POST in the Bandwidth dashboard.";

    [HttpGet(WebhookRoutes.IncomingCall)]
    [HttpGet(WebhookRoutes.CallAnswered)]
    [HttpGet(WebhookRoutes.CallStatus)]
    [HttpGet(WebhookRoutes.TransferAnswer)]
    [HttpGet(WebhookRoutes.TransferComplete)]
    [HttpGet(WebhookRoutes.TransferDisconnect)]
    public IActionResult Get()
    {
        Log.GetRefused(logger, LogText.Escape(Request.Path));
        RejectedRequests.MarkLogged(HttpContext);
        Response.Headers.Allow = HttpMethods.Post;
        return Problem(detail: UsePost, statusCode: StatusCodes.Status405MethodNotAllowed, title: "Voice webhooks must use POST");
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3105, Level = LogLevel.Warning, Message = "Refused GET {Path} with 405: " + UsePost)]
        public static partial void GetRefused(ILogger logger, string path);
    }
}

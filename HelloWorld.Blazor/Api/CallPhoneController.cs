using System.Globalization;
using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Http;
using HelloWorld.Blazor.Security;
using Microsoft.AspNetCore.Mvc;

namespace HelloWorld.Blazor.Api;

/// <summary>
/// <c>POST /callPhone</c>: the CALL button for clients other than this app's page. A POST, not the sample's GET: a GET
/// that places a paid call can be triggered by any link or crawler.
/// </summary>
[ApiController]
public sealed partial class CallPhoneController(IPhoneCallService calls, ILogger<CallPhoneController> logger) : ControllerBase
{
    /// <summary>Says plainly why a GET does nothing, instead of letting the page's router answer 404.</summary>
    [HttpGet("/callPhone")]
    public IActionResult Get()
    {
        Response.Headers.Allow = "POST";
        return Problem(title: "Use POST", statusCode: StatusCodes.Status405MethodNotAllowed,
            detail: "Placing a call costs money, so it takes a POST: a GET could be triggered by any link or crawler.");
    }

    /// <remarks>
    /// JSON only, and a body is required (<c>{}</c> calls the configured number). A cross-site page can POST an HTML form
    /// (url-encoded, multipart or text/plain) without the browser asking this app first; a JSON POST from another origin
    /// needs a CORS preflight, which this app never grants. So a form on some other site cannot place a paid call.
    /// The call counts against this client's rate together with its CALL buttons, and belongs to no tab.
    /// </remarks>
    [HttpPost("/callPhone")]
    [Consumes("application/json")]
    public async Task<IActionResult> PostAsync([FromBody] CallPhoneRequest request, CancellationToken cancellationToken)
    {
        try
        {
            var call = await calls.CallAsync(request.To, ClientAddress.Of(HttpContext), cancellationToken);
            return Accepted(new CallPhoneResponse(call.CallId, call.To, call.State.ToString().ToLowerInvariant()));
        }
        catch (PhoneCallRejectedException rejected)
        {
            Log.Refused(logger, rejected.Reason, rejected.Message);
            RejectedRequests.MarkLogged(HttpContext);
            if (rejected.RetryAfter is { } retryAfter)
            {
                Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            }
            return Problem(title: "The call was not placed", detail: rejected.Message, statusCode: rejected.Reason switch
            {
                PhoneCallRejection.NumberNotAllowed => StatusCodes.Status403Forbidden,
                PhoneCallRejection.AlreadyInProgress or PhoneCallRejection.ConferenceFull => StatusCodes.Status409Conflict,
                PhoneCallRejection.RateLimited or PhoneCallRejection.TooManyActiveCalls => StatusCodes.Status429TooManyRequests,
                PhoneCallRejection.NotConfigured => StatusCodes.Status503ServiceUnavailable,
                _ => StatusCodes.Status400BadRequest,
            });
        }
        catch (BandwidthException exception)
        {
            Log.BandwidthFailed(logger, exception.Message);
            return Problem(title: "Bandwidth could not place the call", detail: exception.Message, statusCode: StatusCodes.Status502BadGateway);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3401, Level = LogLevel.Warning, Message = "POST /callPhone placed no call ({Reason}): {Detail}")]
        public static partial void Refused(ILogger logger, PhoneCallRejection reason, string detail);

        [LoggerMessage(EventId = 3402, Level = LogLevel.Error, Message = "POST /callPhone: Bandwidth could not place the call: {Reason}")]
        public static partial void BandwidthFailed(ILogger logger, string reason);
    }
}

/// <param name="To">The number to call, E.164; leave it out to call the configured <c>Bandwidth:OutboundPhoneNumber</c>.</param>
public sealed record CallPhoneRequest(string? To = null);

public sealed record CallPhoneResponse(string CallId, string To, string State);

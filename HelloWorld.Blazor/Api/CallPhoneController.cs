using System.Globalization;
using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Conference;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.ModelBinding;
using Microsoft.AspNetCore.RateLimiting;

namespace HelloWorld.Blazor.Api;

/// <summary>
/// <c>POST /callPhone</c>: the CALL button for clients other than this app's page. A POST, not the sample's GET: a GET
/// that places a paid call can be triggered by any link or crawler.
/// </summary>
[ApiController]
public sealed class CallPhoneController(IPhoneCallService calls) : ControllerBase
{
    /// <summary>Says plainly why a GET does nothing, instead of letting the page's router answer 404.</summary>
    [HttpGet("/callPhone")]
    public IActionResult Get()
    {
        Response.Headers.Allow = "POST";
        return Problem(title: "Use POST", statusCode: StatusCodes.Status405MethodNotAllowed,
            detail: "Placing a call costs money, so it takes a POST: a GET could be triggered by any link or crawler.");
    }

    [HttpPost("/callPhone")]
    [EnableRateLimiting(ApiExtensions.CallPhonePolicy)]
    public async Task<IActionResult> PostAsync(
        [FromBody(EmptyBodyBehavior = EmptyBodyBehavior.Allow)] CallPhoneRequest? request, CancellationToken cancellationToken)
    {
        try
        {
            var call = await calls.CallAsync(request?.To, cancellationToken);
            return Accepted(new CallPhoneResponse(call.CallId, call.To, call.State.ToString().ToLowerInvariant()));
        }
        catch (PhoneCallRejectedException rejected)
        {
            if (rejected.RetryAfter is { } retryAfter)
            {
                Response.Headers.RetryAfter = Math.Ceiling(retryAfter.TotalSeconds).ToString(CultureInfo.InvariantCulture);
            }
            return Problem(title: "The call was not placed", detail: rejected.Message, statusCode: rejected.Reason switch
            {
                PhoneCallRejection.NumberNotAllowed => StatusCodes.Status403Forbidden,
                PhoneCallRejection.AlreadyInProgress => StatusCodes.Status409Conflict,
                PhoneCallRejection.RateLimited => StatusCodes.Status429TooManyRequests,
                _ => StatusCodes.Status400BadRequest,
            });
        }
        catch (BandwidthException exception)
        {
            return Problem(title: "Bandwidth could not place the call", detail: exception.Message, statusCode: StatusCodes.Status502BadGateway);
        }
    }
}

public sealed record CallPhoneRequest(string? To);

public sealed record CallPhoneResponse(string CallId, string To, string State);

using System.ComponentModel.DataAnnotations;
using System.Globalization;
using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Security;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Api;

/// <summary>
/// The sample's <c>GET /connectionInfo</c>, kept for clients other than this app's own page (which asks the participant
/// service directly): a fresh browser participant and the numbers to show, on a lease its client renews while it uses
/// the participant (<c>POST /connectionInfo/renew</c>) and ends when it leaves (<c>POST /connectionInfo/release</c>).
/// </summary>
[ApiController]
public sealed partial class ConnectionInfoController(
    ConnectionInfoParticipants participants, IOptions<BandwidthOptions> bandwidth, ILogger<ConnectionInfoController> logger) : ControllerBase
{
    /// <summary>What a full session's 503 suggests: places free up as people leave, which nobody can foretell.</summary>
    public static readonly TimeSpan FullSessionRetryAfter = TimeSpan.FromSeconds(30);

    /// <remarks>
    /// Counts against the session's capacity (503 with <c>Retry-After</c> when full), against the participants this
    /// client holds through the page and this endpoint (429), and against a per-client and an overall rate (429 with
    /// <c>Retry-After</c>); a refused request creates nothing.
    /// </remarks>
    [HttpGet("/connectionInfo")]
    [ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
    public async Task<ActionResult<ConnectionInfo>> GetAsync(CancellationToken cancellationToken)
    {
        try
        {
            var lease = await participants.JoinAsync(ClientAddress.Of(HttpContext), cancellationToken);
            var settings = bandwidth.Value;
            return new ConnectionInfo(lease.Participant.Token, settings.PhoneNumber, settings.OutboundPhoneNumber, lease.Secret, lease.ExpiresAt);
        }
        catch (ParticipantRefusedException refused) when (refused.Reason == ParticipantRefusal.SessionFull)
        {
            return Refuse(StatusCodes.Status503ServiceUnavailable, "The call is full", refused.Message, FullSessionRetryAfter);
        }
        catch (ParticipantRefusedException refused)
        {
            return Refuse(StatusCodes.Status429TooManyRequests, "Too many participants for this client", refused.Message, retryAfter: null);
        }
        catch (ConnectionInfoRateLimitedException limited)
        {
            return Refuse(StatusCodes.Status429TooManyRequests, "Too many requests", limited.Message, limited.RetryAfter);
        }
        catch (BandwidthException exception)
        {
            Log.BandwidthFailed(logger, exception.Message);
            return Problem(title: "Bandwidth is not available", detail: exception.Message, statusCode: StatusCodes.Status502BadGateway);
        }
    }

    /// <summary>Keeps the lease's participant for another <c>ConnectionInfo:ParticipantLifetime</c>; 404 once it is gone.</summary>
    [HttpPost("/connectionInfo/renew")]
    [Consumes("application/json")]
    public ActionResult<LeaseRenewed> Renew([FromBody] LeaseRequest request) =>
        participants.Renew(request.Lease!) is { } expiresAt ? new LeaseRenewed(expiresAt) : LeaseGone();

    /// <summary>Deletes the lease's participant now: the client has left.</summary>
    [HttpPost("/connectionInfo/release")]
    [Consumes("application/json")]
    public async Task<IActionResult> ReleaseAsync([FromBody] LeaseRequest request) =>
        await participants.ReleaseAsync(request.Lease!) ? NoContent() : LeaseGone();

    private ObjectResult Refuse(int status, string title, string detail, TimeSpan? retryAfter)
    {
        if (retryAfter is { } wait)
        {
            Response.Headers.RetryAfter = Math.Max(1, Math.Ceiling(wait.TotalSeconds)).ToString(CultureInfo.InvariantCulture);
        }
        Log.Refused(logger, status, detail);
        return Problem(title: title, detail: detail, statusCode: status);
    }

    private ObjectResult LeaseGone() => Problem(title: "No such lease", statusCode: StatusCodes.Status404NotFound,
        detail: "This lease holds no participant: it was released, it expired, or it never existed. Ask /connectionInfo for a new one.");

    private static partial class Log
    {
        [LoggerMessage(EventId = 3504, Level = LogLevel.Error, Message = "GET /connectionInfo: no participant ({Reason})")]
        public static partial void BandwidthFailed(ILogger logger, string reason);

        [LoggerMessage(EventId = 3506, Level = LogLevel.Debug, Message = "GET /connectionInfo refused with {Status}: {Reason}")]
        public static partial void Refused(ILogger logger, int status, string reason);
    }
}

/// <param name="Lease">The secret that renews or releases the participant; keep it to yourself.</param>
/// <param name="LeaseExpiresAt">When the participant is deleted unless the lease is renewed before.</param>
public sealed record ConnectionInfo(
    string Token, string? VoiceApplicationPhoneNumber, string? OutboundPhoneNumber, string Lease, DateTimeOffset LeaseExpiresAt);

/// <param name="Lease">The <c>lease</c> from <c>GET /connectionInfo</c>.</param>
public sealed record LeaseRequest([Required, StringLength(64)] string? Lease);

public sealed record LeaseRenewed(DateTimeOffset LeaseExpiresAt);

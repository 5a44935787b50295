using HelloWorld.Blazor.Bandwidth;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Api;

/// <summary>
/// The sample's <c>GET /connectionInfo</c>, kept for clients other than this app's own page (which asks the participant
/// service directly): a fresh browser participant and the numbers to show.
/// </summary>
[ApiController]
public sealed partial class ConnectionInfoController(
    ConnectionInfoParticipants participants, IOptions<BandwidthOptions> bandwidth, ILogger<ConnectionInfoController> logger) : ControllerBase
{
    /// <remarks>
    /// Nothing tells the app when such a client goes away, so its participant is deleted after
    /// <c>ConnectionInfo:ParticipantLifetime</c> (and at shutdown). Rate-limited per client for the same reason.
    /// </remarks>
    [HttpGet("/connectionInfo")]
    [EnableRateLimiting(ApiExtensions.ConnectionInfoPolicy)]
    [ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
    public async Task<ActionResult<ConnectionInfo>> GetAsync(CancellationToken cancellationToken)
    {
        try
        {
            var participant = await participants.JoinAsync(cancellationToken);
            var settings = bandwidth.Value;
            return new ConnectionInfo(participant.Token, settings.PhoneNumber, settings.OutboundPhoneNumber);
        }
        catch (BandwidthException exception)
        {
            Log.BandwidthFailed(logger, exception.Message);
            return Problem(title: "Bandwidth is not available", detail: exception.Message, statusCode: StatusCodes.Status502BadGateway);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3504, Level = LogLevel.Error, Message = "GET /connectionInfo: no participant ({Reason})")]
        public static partial void BandwidthFailed(ILogger logger, string reason);
    }
}

public sealed record ConnectionInfo(string Token, string? VoiceApplicationPhoneNumber, string? OutboundPhoneNumber);

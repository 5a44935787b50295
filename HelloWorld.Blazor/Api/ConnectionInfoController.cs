using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Conference;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Api;

/// <summary>
/// The sample's <c>GET /connectionInfo</c>, kept for clients other than this app's own page (which asks the participant
/// service directly): a fresh browser participant and the numbers to show.
/// </summary>
[ApiController]
public sealed class ConnectionInfoController(IParticipantService participants, IOptions<BandwidthOptions> bandwidth) : ControllerBase
{
    /// <remarks>
    /// Nothing tells the app when such a client goes away, so its participant lives until the app shuts down, when the
    /// conference clean-up deletes every participant the app still holds. Rate-limited per client for that reason.
    /// </remarks>
    [HttpGet("/connectionInfo")]
    [EnableRateLimiting(ApiExtensions.ConnectionInfoPolicy)]
    [ResponseCache(NoStore = true, Location = ResponseCacheLocation.None)]
    public async Task<ActionResult<ConnectionInfo>> GetAsync(CancellationToken cancellationToken)
    {
        try
        {
            var participant = await participants.JoinAsync(ParticipantKind.Browser, cancellationToken);
            var settings = bandwidth.Value;
            return new ConnectionInfo(participant.Token, settings.PhoneNumber, settings.OutboundPhoneNumber);
        }
        catch (BandwidthException exception)
        {
            return Problem(title: "Bandwidth is not available", detail: exception.Message, statusCode: StatusCodes.Status502BadGateway);
        }
    }
}

public sealed record ConnectionInfo(string Token, string? VoiceApplicationPhoneNumber, string? OutboundPhoneNumber);

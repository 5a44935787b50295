using HelloWorld.Emulator.Media;
using HelloWorld.Emulator.Media.Relay;
using HelloWorld.Emulator.Signaling.Browser;
using HelloWorld.Emulator.Tokens;
using HelloWorld.Emulator.WebRtc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HelloWorld.Emulator.Signaling;

internal static partial class DeviceSignaling
{
    public static IServiceCollection AddDeviceSignaling(this IServiceCollection services)
    {
        services.AddSingleton<DeviceHub>();
        services.AddSingleton<IStreamDirectory>(sp => sp.GetRequiredService<DeviceHub>());
        services.AddSingleton<IVirtualDevices, VirtualDevices>();
        return services;
    }

    /// <summary>
    /// <c>/device/v3/?token=...</c>: the SDK appends <c>/v3/</c> and its query to the <c>websocketUrl</c> the page passes
    /// (<c>.../emulator/device</c>). A bad, expired or deleted participant's token is refused before the upgrade.
    /// The host must call <c>UseWebSockets()</c>.
    /// </summary>
    public static void MapDeviceSignaling(this RouteGroupBuilder emulator) =>
        emulator.MapGet("/device/v3", ConnectAsync);

    private static async Task ConnectAsync(
        HttpContext context, DeviceTokens tokens, WebRtcStore store, DeviceHub hub, IMediaServer media, IMediaRelay relay,
        TimeProvider clock, ILoggerFactory loggers)
    {
        var logger = loggers.CreateLogger(typeof(DeviceSignaling));
        if (!context.WebSockets.IsWebSocketRequest)
        {
            context.Response.StatusCode = StatusCodes.Status400BadRequest;
            await context.Response.WriteAsync("This is the device WebSocket endpoint of the Bandwidth emulator.");
            return;
        }
        var participantId = await tokens.ValidateAsync(context.Request.Query["token"]);
        var participant = participantId is null ? null : store.FindParticipant(participantId);
        if (participant is null)
        {
            Log.Refused(logger, participantId is null ? "an invalid or expired token" : $"participant {participantId}, which no longer exists");
            context.Response.StatusCode = StatusCodes.Status401Unauthorized;
            return;
        }
        if (participant.DeviceApiVersion != "V3")
        {
            Log.Refused(logger, $"participant {participant.Id} of device API {participant.DeviceApiVersion}");
            context.Response.StatusCode = StatusCodes.Status403Forbidden;
            return;
        }
        using var socket = await context.WebSockets.AcceptWebSocketAsync();
        var device = new BrowserDevice(socket, participant, hub, media, relay, clock, loggers.CreateLogger<BrowserDevice>());
        await device.RunAsync(context.RequestAborted);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9650, Level = LogLevel.Warning, Message = "Device connection refused: {Reason}")]
        public static partial void Refused(ILogger logger, string reason);
    }
}

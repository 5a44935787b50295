using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Routing;

namespace HelloWorld.Emulator;

public static class EmulatorEndpointRouteBuilderExtensions
{
    /// <summary>Maps the emulator under <c>/emulator</c>: the WebRTC and Voice APIs, device signaling, the control API and the phone simulator.</summary>
    public static RouteGroupBuilder MapBandwidthEmulator(this IEndpointRouteBuilder endpoints)
    {
        var emulator = endpoints.MapGroup("/emulator");
        return emulator;
    }
}

using HelloWorld.Emulator.Control;
using HelloWorld.Emulator.Http;
using HelloWorld.Emulator.Phone;
using HelloWorld.Emulator.Signaling;
using HelloWorld.Emulator.Voice;
using HelloWorld.Emulator.WebRtc;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;

namespace HelloWorld.Emulator;

public static class EmulatorEndpointRouteBuilderExtensions
{
    /// <summary>
    /// Maps the emulator under <c>/emulator</c>: the WebRTC API (<c>/emulator/webrtc/v1</c>), the Voice API
    /// (<c>/emulator/voice/api/v2</c>), device signaling (<c>/emulator/device</c>), the control API
    /// (<c>/emulator/control</c>) and the phone simulator (<c>/emulator/phone</c>).
    /// </summary>
    public static RouteGroupBuilder MapBandwidthEmulator(this IEndpointRouteBuilder endpoints)
    {
        var emulator = endpoints.MapGroup("/emulator").ExcludeFromDescription();

        var webRtc = emulator.MapGroup("/webrtc/v1").AddApiFilters(endpoints);
        WebRtcApi.Map(webRtc);

        var voice = emulator.MapGroup("/voice/api/v2").AddApiFilters(endpoints);
        VoiceApi.Map(voice);

        emulator.MapDeviceSignaling();
        var control = emulator.MapGroup("/control");
        control.AddEndpointFilter(endpoints.ServiceProvider.GetRequiredService<ControlApiGuard>());
        ControlApi.Map(control);
        PhoneSimulator.Map(emulator);

        return emulator;
    }

    /// <summary>Telemetry and faults outermost, then Bandwidth's own checks (credentials, account).</summary>
    private static RouteGroupBuilder AddApiFilters(this RouteGroupBuilder api, IEndpointRouteBuilder endpoints)
    {
        api.AddEndpointFilter(endpoints.ServiceProvider.GetRequiredService<ApiTelemetry>());
        api.AddEndpointFilter(endpoints.ServiceProvider.GetRequiredService<ApiGuard>());
        return api;
    }
}

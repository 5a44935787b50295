using HelloWorld.Emulator.Control;
using HelloWorld.Emulator.Http;
using HelloWorld.Emulator.Media;
using HelloWorld.Emulator.Signaling;
using HelloWorld.Emulator.Tokens;
using HelloWorld.Emulator.Voice;
using HelloWorld.Emulator.WebRtc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Options;

namespace HelloWorld.Emulator;

public static class EmulatorServiceCollectionExtensions
{
    /// <summary>Registers the Bandwidth emulator. Map its endpoints with <see cref="EmulatorEndpointRouteBuilderExtensions.MapBandwidthEmulator"/>.</summary>
    public static IServiceCollection AddBandwidthEmulator(this IServiceCollection services, Action<EmulatorOptions>? configure = null)
    {
        var options = services.AddOptions<EmulatorOptions>();
        if (configure is not null)
        {
            options.Configure(configure);
        }
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton<WebRtcStore>();
        services.AddSingleton(sp =>
        {
            var emulator = sp.GetRequiredService<IOptions<EmulatorOptions>>().Value;
            return new DeviceTokens(emulator.AccountId, emulator.DeviceTokenLifetime, sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<ApiGuard>();
        services.AddSingleton<RequestLog>();
        services.AddSingleton<FaultInjector>();
        services.AddSingleton<ApiTelemetry>();
        services.AddMediaRelay();
        services.AddDeviceSignaling();
        services.AddHttpClient(WebhookSender.ClientName);
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<HostAddress>();
        services.AddSingleton<CallEngine>();
        return services;
    }
}

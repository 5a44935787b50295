using HelloWorld.Emulator.Media.Relay;
using HelloWorld.Emulator.Media.Transport;
using Microsoft.Extensions.DependencyInjection;

namespace HelloWorld.Emulator.Media;

internal static class MediaServiceCollectionExtensions
{
    /// <summary>The media socket (started with the host, closed at shutdown) and the relay.</summary>
    public static IServiceCollection AddMediaRelay(this IServiceCollection services)
    {
        services.AddSingleton<MediaServer>();
        services.AddSingleton<IMediaServer>(sp => sp.GetRequiredService<MediaServer>());
        services.AddHostedService(sp => sp.GetRequiredService<MediaServer>());
        services.AddSingleton<IMediaRelay, MediaRelay>();
        return services;
    }
}

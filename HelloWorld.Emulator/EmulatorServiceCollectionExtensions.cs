using HelloWorld.Emulator.Control;
using HelloWorld.Emulator.Http;
using HelloWorld.Emulator.Media;
using HelloWorld.Emulator.Signaling;
using HelloWorld.Emulator.Telemetry;
using HelloWorld.Emulator.Tokens;
using HelloWorld.Emulator.Voice;
using HelloWorld.Emulator.WebRtc;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HelloWorld.Emulator;

public static class EmulatorServiceCollectionExtensions
{
    /// <summary>Registers the Bandwidth emulator. Map its endpoints with <see cref="EmulatorEndpointRouteBuilderExtensions.MapBandwidthEmulator"/>.</summary>
    public static IServiceCollection AddBandwidthEmulator(this IServiceCollection services, Action<EmulatorOptions>? configure = null)
    {
        var options = services.AddOptions<EmulatorOptions>().ValidateOnStart();
        if (configure is not null)
        {
            options.Configure(configure);
        }
        services.TryAddEnumerable(ServiceDescriptor.Singleton<IValidateOptions<EmulatorOptions>, EmulatorOptionsValidator>());
        services.TryAddSingleton(TimeProvider.System);
        services.AddSingleton(sp => new WebRtcStore(
            sp.GetRequiredService<TimeProvider>(), sp.GetRequiredService<IOptions<EmulatorOptions>>().Value.Limits.ParticipantsPerSession));
        services.AddSingleton(sp =>
        {
            var emulator = sp.GetRequiredService<IOptions<EmulatorOptions>>().Value;
            return new DeviceTokens(emulator.AccountId, emulator.DeviceTokenLifetime, sp.GetRequiredService<TimeProvider>());
        });
        services.AddSingleton<ApiGuard>();
        services.AddSingleton<RequestLog>();
        services.AddSingleton<FaultInjector>();
        services.AddSingleton<ControlApiGuard>();
        services.AddSingleton<ApiTelemetry>();
        services.AddMediaRelay();
        services.AddDeviceSignaling();
        services.AddHttpClient(WebhookSender.ClientName);
        services.AddSingleton<WebhookSender>();
        services.AddSingleton<HostAddress>();
        services.AddSingleton<CallWork>();
        services.AddHostedService(sp => new StoppedBeforeTheServer(sp.GetRequiredService<CallWork>()));
        services.AddSingleton<TransferFlow>();
        services.AddSingleton<CallFlows>();
        services.AddSingleton<CallEngine>();
        services.AddSingleton<CallAdmission>();
        services.AddHostedService<EmulatorMetrics>();
        services.PostConfigure<LoggerFilterOptions>(KeepDeviceTokensOutOfRequestLines);
        return services;
    }

    /// <summary>
    /// The browser SDK puts the device token in the signaling URL's query (<c>/emulator/device/v3/?token=...</c>), and
    /// hosting's request lines (Information) print whole URLs, query included. While the emulator is hosted those lines
    /// stay off, whatever the configuration says: a rule for hosting's category, at Warning, added last for every provider
    /// any rule names (a provider-specific rule would otherwise win over a general one) and for all providers.
    /// </summary>
    private static void KeepDeviceTokensOutOfRequestLines(LoggerFilterOptions options)
    {
        foreach (var provider in options.Rules.Select(rule => rule.ProviderName).Append(null).Distinct(StringComparer.Ordinal).ToList())
        {
            options.Rules.Add(new LoggerFilterRule(provider, HostingRequestCategory, LogLevel.Warning, null));
        }
    }

    /// <summary>
    /// Stops a service while the server still serves (in <see cref="IHostedLifecycleService.StoppingAsync"/>), not after
    /// it: the call flows end by sending their last webhooks, and the host that hosts the emulator is often the app those
    /// webhooks go to.
    /// </summary>
    private sealed class StoppedBeforeTheServer(IHostedService service) : IHostedLifecycleService
    {
        public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartAsync(CancellationToken cancellationToken) => service.StartAsync(cancellationToken);

        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppingAsync(CancellationToken cancellationToken) => service.StopAsync(cancellationToken);

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    /// <summary>Where ASP.NET Core hosting writes "Request starting ..." and "Request finished ...".</summary>
    internal const string HostingRequestCategory = "Microsoft.AspNetCore.Hosting.Diagnostics";
}

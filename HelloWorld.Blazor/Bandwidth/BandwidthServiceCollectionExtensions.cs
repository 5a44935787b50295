using HelloWorld.Blazor.Bandwidth.Emulation;
using HelloWorld.Blazor.Bandwidth.Resilience;
using HelloWorld.Blazor.Bandwidth.Voice;
using HelloWorld.Blazor.Bandwidth.WebRtc;
using HelloWorld.Blazor.Observability;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Bandwidth;

public static partial class BandwidthServiceCollectionExtensions
{
    /// <summary>
    /// Bandwidth settings (validated at start), the mode (a real account, or the built-in emulator when no account setting
    /// is configured; <c>Bandwidth:UseEmulator</c> forces either) and the API clients with their resilience pipeline.
    /// </summary>
    public static WebApplicationBuilder AddBandwidth(this WebApplicationBuilder builder)
    {
        var section = builder.Configuration.GetSection(BandwidthOptions.SectionName);
        var configured = section.Get<BandwidthOptions>() ?? new BandwidthOptions();
        var emulatorMode = configured.RunsEmulator;

        builder.Services.AddOptions<BandwidthOptions>().BindConfiguration(BandwidthOptions.SectionName).ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<BandwidthOptions>>(
            new BandwidthOptionsValidator(emulatorMode, accountIntendedBy: configured.UseEmulator is null ? configured.AccountSettingsPresent : []));
        builder.Services.AddHostedService<BandwidthModeAnnouncer>();

        if (emulatorMode)
        {
            builder.AddBandwidthEmulation();
        }
        else
        {
            builder.Services.AddSingleton<IBandwidthEnvironment, BandwidthAccountEnvironment>();
        }

        // The conference services are singletons that keep these clients for the app's lifetime, so the clients' handlers
        // are long-lived too, and DNS changes are picked up by recycling pooled connections instead of handlers. Answers are
        // bounded inside the resilience pipeline, so each attempt's timeout covers its body. Telemetry is outside it: one
        // activity and one duration per operation, its attempts and retries within.
        builder.Services.AddHttpClient<IWebRtcApi, WebRtcApiClient>().UseLongLivedConnections()
            .AddHttpMessageHandler(() => new BandwidthTelemetryHandler("webrtc")).AddBandwidthResilience()
            .AddHttpMessageHandler(() => new BoundedAnswerHandler());
        builder.Services.AddHttpClient<IVoiceApi, VoiceApiClient>().UseLongLivedConnections()
            .AddHttpMessageHandler(() => new BandwidthTelemetryHandler("voice")).AddBandwidthResilience()
            .AddHttpMessageHandler(() => new BoundedAnswerHandler());
        return builder;
    }

    // RemoveAllLoggers: IHttpClientFactory's own logging handlers open a log scope and time every request twice, for
    // lines at Information that appsettings.json keeps off (System.Net.Http.HttpClient at Warning); a scope per request
    // is work on every dial-in (bench/README.md, the profile). What an operator needs of these calls is logged by the clients
    // themselves: every failure (BandwidthRestClient), retry and circuit change (ResilienceLog), and traced by
    // BandwidthTelemetryHandler.
    private static IHttpClientBuilder UseLongLivedConnections(this IHttpClientBuilder client) =>
        client.UseSocketsHttpHandler((handler, _) => handler.PooledConnectionLifetime = TimeSpan.FromMinutes(2))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan)
            .RemoveAllLoggers();

    /// <summary>Says at start which Bandwidth the app talks to, and warns about what an operator should fix.</summary>
    private sealed partial class BandwidthModeAnnouncer(
        IBandwidthEnvironment environment, IOptions<BandwidthOptions> options, ILogger<BandwidthModeAnnouncer> logger) : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            if (environment.IsEmulator)
            {
                return Task.CompletedTask; // the emulator announces itself once it knows its address
            }
            var settings = options.Value;
            AccountMode(logger, settings.AccountId ?? "", environment.WebRtcApiBaseUrl, environment.VoiceApiBaseUrl);
            if (!settings.HasCallbackCredentials)
            {
                WebhooksUnauthenticated(logger);
            }
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(EventId = 1010, Level = LogLevel.Information,
            Message = "Using Bandwidth account {AccountId} (WebRTC API {WebRtcApi}, Voice API {VoiceApi})")]
        private static partial void AccountMode(ILogger logger, string accountId, string webRtcApi, string voiceApi);

        [LoggerMessage(EventId = 1011, Level = LogLevel.Warning,
            Message = "Bandwidth:CallbackUsername and Bandwidth:CallbackPassword are not set and Bandwidth:AllowUnauthenticatedWebhooks is true: anyone who finds this app's webhook URLs can post fake call events and create participants on your account. Set the credentials here and in your Voice application's callback settings.")]
        private static partial void WebhooksUnauthenticated(ILogger logger);
    }
}

using HelloWorld.Emulator;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Bandwidth.Emulation;

public static partial class EmulationExtensions
{
    /// <summary>
    /// Emulator mode: hosts the Bandwidth emulator in this app, with the app's numbers and webhook credentials as its Voice
    /// application's, and points the app's Bandwidth settings at it (its account, its API credentials, this host).
    /// Called by <see cref="BandwidthServiceCollectionExtensions.AddBandwidth"/> when no account is configured.
    /// </summary>
    public static WebApplicationBuilder AddBandwidthEmulation(this WebApplicationBuilder builder)
    {
        var configured = builder.Configuration.GetSection(BandwidthOptions.SectionName).Get<BandwidthOptions>() ?? new BandwidthOptions();
        var emulatorSettings = builder.Configuration.GetSection(EmulatorOptions.SectionName);
        builder.Services.AddBandwidthEmulator(emulator =>
        {
            emulator.BindConfiguration(emulatorSettings);
            if (!string.IsNullOrEmpty(configured.PhoneNumber))
            {
                emulator.ApplicationPhoneNumber = configured.PhoneNumber;
            }
            // The numbers the app may call are simulated phones, so the CALL button always reaches someone.
            IEnumerable<string?> dialable = [configured.OutboundPhoneNumber, .. configured.AllowedOutboundNumbers];
            emulator.PhoneNumbers = [.. dialable.OfType<string>().Concat(emulator.PhoneNumbers).Distinct(StringComparer.Ordinal)];
            emulator.CallbackUsername = configured.CallbackUsername;
            emulator.CallbackPassword = configured.CallbackPassword;
        });

        builder.Services.AddOptions<BandwidthOptions>().PostConfigure<IOptions<EmulatorOptions>>((settings, emulator) =>
        {
            var account = emulator.Value;
            settings.AccountId = account.AccountId;
            settings.Username = account.Username;
            settings.Password = account.Password;
            settings.VoiceApplicationId = account.VoiceApplicationId;
            settings.PhoneNumber = account.ApplicationPhoneNumber;
            settings.OutboundPhoneNumber ??= account.PhoneNumbers.FirstOrDefault();
        });
        builder.Services.AddSingleton<SelfAddress>();
        builder.Services.AddSingleton<IBandwidthEnvironment, EmulatorEnvironment>();
        builder.Services.AddHostedService<EmulatorAnnouncer>();
        return builder;
    }

    /// <summary>Whether the app runs without an account, against the built-in emulator (which needs WebSockets for its devices).</summary>
    public static bool IsBandwidthEmulated(this WebApplication app) => app.Services.GetRequiredService<IBandwidthEnvironment>().IsEmulator;

    /// <summary>Maps the built-in Bandwidth emulator into this host when the app runs without an account.</summary>
    public static WebApplication MapBandwidthEmulatorWhenEnabled(this WebApplication app)
    {
        if (app.IsBandwidthEmulated())
        {
            app.MapBandwidthEmulator();
        }
        return app;
    }

    /// <summary>
    /// Says loudly, once the app listens, that no real Bandwidth is involved and where the phone simulator is; and, when the
    /// app listens beyond this machine, that the emulator is reachable from other machines too.
    /// </summary>
    private sealed partial class EmulatorAnnouncer(
        IHostApplicationLifetime lifetime, SelfAddress self, IServer server, IOptions<BandwidthOptions> settings, ILogger<EmulatorAnnouncer> logger)
        : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            lifetime.ApplicationStarted.Register(() =>
            {
                var bandwidth = settings.Value;
                EmulatorMode(logger, self.BaseUrl, bandwidth.PhoneNumber ?? "", bandwidth.OutboundPhoneNumber ?? "");
                var reachable = ListeningAddresses.Reachable(server.Features.Get<IServerAddressesFeature>()?.Addresses ?? []);
                if (reachable.Count > 0)
                {
                    ReachableFromOtherMachines(logger, string.Join(", ", reachable));
                }
            });
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(EventId = 1020, Level = LogLevel.Warning,
            Message = "No Bandwidth account is configured: running against the built-in Bandwidth emulator. Open {BaseUrl}/ for the call page and {BaseUrl}/emulator/phone for the phone simulator (the app's number is {PhoneNumber}, the CALL button rings {OutboundNumber}). Set Bandwidth:AccountId, Bandwidth:Username and Bandwidth:Password to use a real account.")]
        private static partial void EmulatorMode(ILogger logger, string baseUrl, string phoneNumber, string outboundNumber);

        [LoggerMessage(EventId = 1021, Level = LogLevel.Warning,
            Message = "The app listens on {Addresses}, which other machines can reach, and so is the Bandwidth emulator in it: its emulated APIs (with the emulated account's well-known credentials), its device endpoint and its phone simulator page. Its control API still refuses other machines unless Emulator:AllowRemoteControl is true. Listen on loopback (--urls http://127.0.0.1:5270) unless other machines are meant to join.")]
        private static partial void ReachableFromOtherMachines(ILogger logger, string addresses);
    }
}

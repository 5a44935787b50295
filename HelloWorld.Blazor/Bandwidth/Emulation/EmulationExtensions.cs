using HelloWorld.Blazor.Conference;
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
        // Registered before the emulator, so that it stops after the emulator's call flows (hosted services stop last first).
        builder.Services.AddHostedService<AppWorkBeforeTheEmulatorStops>();
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
    /// At shutdown the app's clean-up deletes its participants, the emulator ends the calls they carried and tells the app,
    /// and the app answers with work of its own (deleting a call's participant). In emulator mode all of that must be over
    /// while the server still serves, for the emulator is that server: this waits for the app's work once the emulator's
    /// call flows have ended, and before the server stops.
    /// </summary>
    private sealed partial class AppWorkBeforeTheEmulatorStops(IEnumerable<IBackgroundWork> work, ILogger<AppWorkBeforeTheEmulatorStops> logger)
        : IHostedLifecycleService
    {
        private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(2);

        public async Task StoppingAsync(CancellationToken cancellationToken)
        {
            using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            deadline.CancelAfter(Deadline);
            try
            {
                await Task.WhenAll(work.Select(w => w.DrainAsync(deadline.Token)));
            }
            catch (OperationCanceledException)
            {
                StillBusy(logger);
            }
        }

        public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StoppedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(EventId = 1022, Level = LogLevel.Warning, Message = "Shutting down: the app's background work still ran when the emulator stopped")]
        private static partial void StillBusy(ILogger logger);
    }

    /// <summary>
    /// Says at start that no real Bandwidth is involved, and names every setting a real account needs (where to open the
    /// pages is the call page's own start-up line); and, once the app listens beyond this machine, that the emulator is
    /// reachable from other machines too.
    /// </summary>
    private sealed partial class EmulatorAnnouncer(
        IHostApplicationLifetime lifetime, IServer server, IOptions<BandwidthOptions> settings, ILogger<EmulatorAnnouncer> logger)
        : IHostedService
    {
        public Task StartAsync(CancellationToken cancellationToken)
        {
            var bandwidth = settings.Value;
            EmulatorMode(logger, bandwidth.PhoneNumber ?? "", bandwidth.OutboundPhoneNumber ?? "");
            lifetime.ApplicationStarted.Register(() =>
            {
                var reachable = ListeningAddresses.Reachable(server.Features.Get<IServerAddressesFeature>()?.Addresses ?? []);
                if (reachable.Count > 0)
                {
                    ReachableFromOtherMachines(logger, string.Join(", ", reachable));
                }
            });
            return Task.CompletedTask;
        }

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        [LoggerMessage(EventId = 1020, Level = LogLevel.Information,
            Message = "No Bandwidth account is configured, so the app runs against its built-in Bandwidth emulator (the app's number is {PhoneNumber}, the CALL button rings {OutboundNumber}). To use a real account, set Bandwidth:AccountId, Bandwidth:Username, Bandwidth:Password, Bandwidth:VoiceApplicationId, Bandwidth:PhoneNumber and Bandwidth:BaseCallbackUrl (see the README).")]
        private static partial void EmulatorMode(ILogger logger, string phoneNumber, string outboundNumber);

        [LoggerMessage(EventId = 1021, Level = LogLevel.Warning,
            Message = "The app listens on {Addresses}, which other machines can reach, and so is the Bandwidth emulator in it: its emulated APIs (with the emulated account's well-known credentials), its device endpoint and its phone simulator page. Its control API still refuses other machines unless Emulator:AllowRemoteControl is true. Listen on loopback (--urls http://127.0.0.1:5270) unless other machines are meant to join.")]
        private static partial void ReachableFromOtherMachines(ILogger logger, string addresses);
    }
}

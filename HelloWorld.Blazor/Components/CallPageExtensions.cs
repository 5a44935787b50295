using HelloWorld.Blazor.Components.Hosting;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Security;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;
using static HelloWorld.Blazor.Bandwidth.SettingHelp;

namespace HelloWorld.Blazor.Components;

public static class CallPageExtensions
{
    /// <summary>
    /// The interactive call page (Blazor Server, one circuit per tab), and what each tab gets: its identity and client
    /// address (<see cref="TabIdentity"/>) and its view of the phone calls (<see cref="ITabPhoneCalls"/>); the line that
    /// says where to open it, and the shutdown that ends its calls before the server stops.
    /// </summary>
    public static IServiceCollection AddCallPage(this IServiceCollection services)
    {
        services.AddOptions<CallPageOptions>().BindConfiguration(CallPageOptions.SectionName).ValidateOnStart();
        services.AddSingleton<IValidateOptions<CallPageOptions>, CallPageOptionsValidator>();
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddOptions<CircuitOptions>().Configure<IOptions<CallPageOptions>>((circuit, page) =>
            circuit.DisconnectedCircuitRetentionPeriod = page.Value.DisconnectedCircuitRetention);
        services.AddTabIdentity();
        services.AddScoped<ITabPhoneCalls, TabPhoneCalls>();
        services.AddSingleton<CallPageShutdown>();
        services.AddHostedService(provider => provider.GetRequiredService<CallPageShutdown>());
        services.Configure<HubOptions>(hub => hub.AddFilter<CallPageShutdown>());
        services.AddHostedService<CallPageAnnouncer>();
        return services;
    }

    /// <summary>
    /// Who gets the template's status code pages: browsers asking for a page. An API client or Bandwidth must get the
    /// status (and headers, such as a 401's challenge) the app set, not an HTML page.
    /// </summary>
    public static bool AsksForAPage(HttpContext context) =>
        HttpMethods.IsGet(context.Request.Method) &&
        context.Request.Headers.Accept.Any(accept => accept?.Contains("text/html", StringComparison.OrdinalIgnoreCase) == true);

    public static WebApplication MapCallPage(this WebApplication app)
    {
        app.MapStaticAssets();
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode()
            .Add(app.Services.GetRequiredService<CallPageShutdown>().TurnAwayWhileStopping);
        return app;
    }
}

/// <summary>The <c>CallPage</c> section.</summary>
public sealed class CallPageOptions
{
    public const string SectionName = "CallPage";

    /// <summary>
    /// How long the circuit of a tab that vanished without a clean end (a crash, a lost network, a killed browser) is kept
    /// for it to reconnect; then the circuit ends and the tab's participant is deleted. A tab closed normally ends its
    /// circuit at once. One minute rides out a network blip or a Wi-Fi switch (the audio itself flows between the
    /// browser and Bandwidth, and may well still be up), while a vanished tab holds a paid place in a session of 20, and
    /// one of its client's <c>Participants:MaxPerClient</c>, for a minute at most rather than the framework's 3.
    /// </summary>
    public TimeSpan DisconnectedCircuitRetention { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>
    /// How many times a tab that lost the app tries to reconnect before it offers Rejoin. Unset: the framework's default
    /// (a few minutes of attempts). Tests lower it, with <see cref="ReconnectInterval"/>, to see the page give up.
    /// </summary>
    public int? ReconnectAttempts { get; set; }

    /// <summary>The time between two reconnection attempts. Unset: the framework's default, growing with each attempt.</summary>
    public TimeSpan? ReconnectInterval { get; set; }

    /// <summary>
    /// How long the page says "Reconnecting…" while the browser SDK has lost Bandwidth (the SDK retries by itself) before it
    /// gives up on that participant and rejoins with a fresh one (issue 12.6). Long enough for a network blip; short
    /// enough that a person is not left in a call that is gone.
    /// </summary>
    public TimeSpan SignalingRecoveryTimeout { get; set; } = TimeSpan.FromSeconds(15);
}

public sealed class CallPageOptionsValidator : IValidateOptions<CallPageOptions>
{
    private const string Setting = CallPageOptions.SectionName + ":" + nameof(CallPageOptions.DisconnectedCircuitRetention);
    private const string RecoverySetting = CallPageOptions.SectionName + ":" + nameof(CallPageOptions.SignalingRecoveryTimeout);

    public ValidateOptionsResult Validate(string? name, CallPageOptions options)
    {
        if (options.DisconnectedCircuitRetention <= TimeSpan.Zero || options.DisconnectedCircuitRetention > TimeSpan.FromMinutes(10))
        {
            return ValidateOptionsResult.Fail(
                $"{Setting} must be above 0 and at most 10 minutes (it is {options.DisconnectedCircuitRetention}). " + HowToSet(Setting, "00:01:00"));
        }
        if (options.SignalingRecoveryTimeout <= TimeSpan.Zero || options.SignalingRecoveryTimeout > TimeSpan.FromMinutes(10))
        {
            return ValidateOptionsResult.Fail(
                $"{RecoverySetting} must be above 0 and at most 10 minutes (it is {options.SignalingRecoveryTimeout}). " + HowToSet(RecoverySetting, "00:00:15"));
        }
        return ValidateOptionsResult.Success;
    }
}

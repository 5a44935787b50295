using HelloWorld.Blazor.Components.Hosting;
using Microsoft.AspNetCore.Components.Server;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Components;

public static class CallPageExtensions
{
    /// <summary>
    /// The interactive call page (Blazor Server, one circuit per tab), the line that says where to open it, and the
    /// shutdown that ends its calls before the server stops.
    /// </summary>
    public static IServiceCollection AddCallPage(this IServiceCollection services)
    {
        services.AddOptions<CallPageOptions>().BindConfiguration(CallPageOptions.SectionName);
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddOptions<CircuitOptions>().Configure<IOptions<CallPageOptions>>((circuit, page) =>
        {
            if (page.Value.DisconnectedCircuitRetention is { } retention)
            {
                circuit.DisconnectedCircuitRetentionPeriod = retention;
            }
        });
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
    /// How long a closed tab's circuit (and so its participant) is kept in case the tab reconnects. Unset: the framework's
    /// default (3 minutes). Tests shorten it to see a closed tab's participant deleted.
    /// </summary>
    public TimeSpan? DisconnectedCircuitRetention { get; set; }

    /// <summary>
    /// How many times a tab that lost the app tries to reconnect before it offers Rejoin. Unset: the framework's default
    /// (a few minutes of attempts). Tests lower it, with <see cref="ReconnectInterval"/>, to see the page give up.
    /// </summary>
    public int? ReconnectAttempts { get; set; }

    /// <summary>The time between two reconnection attempts. Unset: the framework's default, growing with each attempt.</summary>
    public TimeSpan? ReconnectInterval { get; set; }
}

namespace HelloWorld.Blazor.Components;

public static class CallPageExtensions
{
    /// <summary>The interactive call page (Blazor Server, one circuit per tab).</summary>
    public static IServiceCollection AddCallPage(this IServiceCollection services)
    {
        services.AddOptions<CallPageOptions>().BindConfiguration(CallPageOptions.SectionName);
        services.AddRazorComponents().AddInteractiveServerComponents();
        services.AddOptions<Microsoft.AspNetCore.Components.Server.CircuitOptions>()
            .Configure<Microsoft.Extensions.Options.IOptions<CallPageOptions>>((circuit, page) =>
            {
                if (page.Value.DisconnectedCircuitRetention is { } retention)
                {
                    circuit.DisconnectedCircuitRetentionPeriod = retention;
                }
            });
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
        app.MapRazorComponents<App>().AddInteractiveServerRenderMode();
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
}

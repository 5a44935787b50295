using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace HelloWorld.Blazor.Tests.Browser;

/// <summary>
/// The whole app on a real Kestrel port on 127.0.0.1 (a secure origin for getUserMedia), as <c>dotnet run</c> starts it:
/// in emulator mode unless the settings name an account. Every log line is captured.
/// </summary>
public sealed class RunningApp : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private readonly IReadOnlyDictionary<string, string> _testPages;
    private readonly Action<IServiceCollection>? _services;

    private RunningApp(IReadOnlyDictionary<string, string?> settings, IReadOnlyDictionary<string, string> testPages, Action<IServiceCollection>? services)
    {
        _settings = settings;
        _testPages = testPages;
        _services = services;
        UseKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0));
    }

    public FakeLogCollector Logs { get; } = new();

    public string BaseUrl { get; private set; } = "";

    public HttpClient Http { get; } = new();

    public EmulatorControl Control => new(Http, BaseUrl);

    /// <summary>
    /// Starts the app. A closed tab's circuit (and its participant) is kept 2 s, not the default 3 minutes.
    /// <paramref name="testPages"/> (path → HTML) are served by the app itself, so they share its origin and address space.
    /// <paramref name="services"/> adds to the app's services (an in-memory telemetry exporter).
    /// </summary>
    public static RunningApp Start(IReadOnlyDictionary<string, string?>? settings = null, IReadOnlyDictionary<string, string>? testPages = null,
        Action<IServiceCollection>? services = null)
    {
        var merged = new Dictionary<string, string?> { ["CallPage:DisconnectedCircuitRetention"] = "00:00:02" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            merged[key] = value;
        }
        var app = new RunningApp(merged, testPages ?? new Dictionary<string, string>(), services);
        app.StartServer();
        var address = app.Services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()!.Addresses.First();
        app.BaseUrl = address.Replace("localhost", "127.0.0.1", StringComparison.Ordinal).TrimEnd('/');
        return app;
    }

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureLogging(logging => logging.AddProvider(new FakeLoggerProvider(Logs)).SetMinimumLevel(LogLevel.Debug));
        if (_testPages.Count > 0)
        {
            builder.ConfigureServices(services => services.AddSingleton<IStartupFilter>(new TestPages(_testPages)));
        }
        if (_services is not null)
        {
            builder.ConfigureServices(_services);
        }
    }

    private sealed class TestPages(IReadOnlyDictionary<string, string> pages) : IStartupFilter
    {
        public Action<IApplicationBuilder> Configure(Action<IApplicationBuilder> next) => app =>
        {
            app.Use(async (context, nextMiddleware) =>
            {
                if (pages.TryGetValue(context.Request.Path, out var html))
                {
                    context.Response.ContentType = "text/html; charset=utf-8";
                    await context.Response.WriteAsync(html);
                    return;
                }
                await nextMiddleware(context);
            });
            next(app);
        };
    }

    public override async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await base.DisposeAsync();
    }
}

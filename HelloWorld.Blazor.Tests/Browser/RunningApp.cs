using Microsoft.AspNetCore.Hosting;
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

    private RunningApp(IReadOnlyDictionary<string, string?> settings)
    {
        _settings = settings;
        UseKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0));
    }

    public FakeLogCollector Logs { get; } = new();

    public string BaseUrl { get; private set; } = "";

    public HttpClient Http { get; } = new();

    public EmulatorControl Control => new(Http, BaseUrl);

    /// <summary>Starts the app. A closed tab's circuit (and its participant) is kept 2 s, not the default 3 minutes.</summary>
    public static RunningApp Start(IReadOnlyDictionary<string, string?>? settings = null)
    {
        var merged = new Dictionary<string, string?> { ["CallPage:DisconnectedCircuitRetention"] = "00:00:02" };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            merged[key] = value;
        }
        var app = new RunningApp(merged);
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
    }

    public override async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await base.DisposeAsync();
    }
}

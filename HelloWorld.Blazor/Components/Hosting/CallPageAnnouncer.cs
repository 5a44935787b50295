using HelloWorld.Blazor.Bandwidth;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace HelloWorld.Blazor.Components.Hosting;

/// <summary>
/// Once the app listens, says in one line where to open the call page (and, in emulator mode, the phone simulator), at the
/// address the server listens on: <c>http://localhost:5270</c> with <c>dotnet run</c>, as the README says.
/// </summary>
internal sealed partial class CallPageAnnouncer(
    IHostApplicationLifetime lifetime, IServer server, IBandwidthEnvironment environment, ILogger<CallPageAnnouncer> logger)
    : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() =>
        {
            var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
            if (DisplayAddress(addresses) is not { } page)
            {
                return;
            }
            if (environment.PhoneSimulatorUrl(page) is { } phone)
            {
                OpenWithPhoneSimulator(logger, page, phone);
            }
            else
            {
                Open(logger, page);
            }
        });
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    /// <summary>
    /// The address a person opens: https when the server offers it (the browser allows the microphone there anywhere), and
    /// a wildcard binding (<c>http://*:8080</c>, <c>0.0.0.0</c>, <c>[::]</c>) as <c>localhost</c>. Null when nothing listens.
    /// </summary>
    internal static Uri? DisplayAddress(IEnumerable<string> addresses)
    {
        var listed = addresses.ToList();
        var chosen = listed.FirstOrDefault(a => a.StartsWith("https://", StringComparison.OrdinalIgnoreCase)) ?? listed.FirstOrDefault();
        if (chosen is null)
        {
            return null;
        }
        var uri = new Uri(chosen.Replace("://*", "://localhost", StringComparison.Ordinal).Replace("://+", "://localhost", StringComparison.Ordinal));
        var host = uri.Host is "0.0.0.0" or "[::]" or "::" ? "localhost" : uri.Host;
        return new UriBuilder(uri) { Host = host, Path = "/" }.Uri;
    }

    [LoggerMessage(EventId = 4101, Level = LogLevel.Information, Message = "Open {CallPage} for the call page")]
    private static partial void Open(ILogger logger, Uri callPage);

    [LoggerMessage(EventId = 4102, Level = LogLevel.Information,
        Message = "Open {CallPage} for the call page and {PhoneSimulator} for the phone simulator")]
    private static partial void OpenWithPhoneSimulator(ILogger logger, Uri callPage, Uri phoneSimulator);
}

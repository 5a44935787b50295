using HelloWorld.Emulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace LoadTest;

/// <summary>
/// The Bandwidth emulator, hosted in the load tool's process on its own loopback port: a stand-in for Bandwidth that
/// both servers under test (the app in account mode, in one or more instances, and the floor server) call, and whose
/// Voice webhooks go to whichever of them (and which instance) <see cref="WebhookRoutes"/> chooses at the time.
/// </summary>
internal sealed class EmulatorHost : IAsyncDisposable
{
    /// <summary>
    /// The Voice application's callback URLs name no real host: every webhook is sent to the server under test instead.
    /// Call records show this URL, so a webhook that escaped the routing would be plain to see.
    /// </summary>
    public const string CallbackBase = "http://server-under-test";

    private readonly WebApplication _host;

    private EmulatorHost(WebApplication host, WebhookRoutes routes)
    {
        _host = host;
        Routes = routes;
        BaseUrl = host.Urls.First().TrimEnd('/');
    }

    public string BaseUrl { get; }

    public Uri BaseUri => new(BaseUrl);

    public WebhookRoutes Routes { get; }

    public static async Task<EmulatorHost> StartAsync(EmulatedAccount account)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders().AddSimpleConsole().SetMinimumLevel(LogLevel.Warning);
        builder.Services.AddBandwidthEmulator(emulator =>
        {
            emulator.AccountId = account.AccountId;
            emulator.Username = account.Username;
            emulator.Password = account.Password;
            emulator.InboundCallbackUrl = $"{CallbackBase}/incomingCall";
            emulator.StatusCallbackUrl = $"{CallbackBase}/callStatus";
            // Hundreds of phones in one session would each hear all the others; the load is about calls and APIs, not audio.
            emulator.SimulatePhoneAudio = false;
            emulator.Limits = LiftedLimits.Emulator;
        });
        var routes = new WebhookRoutes();
        // The emulator's only HTTP client is its webhook sender. One connection pool for the whole run: the factory's
        // two-minute handler rotation would otherwise open new connections to the servers in the middle of a block.
        builder.Services.ConfigureHttpClientDefaults(client => client
            .AddHttpMessageHandler(() => new WebhookRouter(routes))
            .SetHandlerLifetime(Timeout.InfiniteTimeSpan));
        var host = builder.Build();
        host.UseWebSockets();
        host.MapBandwidthEmulator();
        // A trivial Voice application of the tool's own, to warm the emulator's call engine and webhook sender up before
        // either server's first webhook is timed: every call it answers is hung up at once.
        host.MapPost("/incomingCall", () => Results.Text("""<?xml version="1.0" encoding="utf-8"?><Response><Hangup /></Response>""", "application/xml"));
        host.MapPost("/callStatus", () => Results.NoContent());
        await host.StartAsync();
        return new EmulatorHost(host, routes);
    }

    public async ValueTask DisposeAsync() => await _host.DisposeAsync();
}

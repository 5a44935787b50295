using System.Net;
using HelloWorld.Emulator;
using HelloWorld.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace HelloWorld.Blazor.Tests.Scaleout;

/// <summary>
/// Two instances of the app in account mode, sharing one real Redis, pointed at an emulator that stands in for Bandwidth.
/// Both the emulator's dial-ins and the calls A places send their webhooks to B (as a load balancer might), so what A
/// shows of them, it learns through Redis alone.
/// </summary>
public sealed class ScaledOutConference : IAsyncDisposable
{
    private readonly WebApplication _emulator;

    private ScaledOutConference(WebApplication emulator, string emulatorUrl, AppInstance a, AppInstance b)
    {
        _emulator = emulator;
        EmulatorUrl = emulatorUrl;
        A = a;
        B = b;
    }

    public string EmulatorUrl { get; }

    public AppInstance A { get; }

    public AppInstance B { get; }

    public HttpClient Http { get; } = new();

    public Browser.EmulatorControl Control => new(Http, EmulatorUrl);

    public static async Task<ScaledOutConference> StartAsync(RedisServer redis, IReadOnlyDictionary<string, string?>? settings = null)
    {
        var portA = LoopbackPorts.Free();
        var portB = LoopbackPorts.Free();
        var webhooks = $"http://127.0.0.1:{portB}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddBandwidthEmulator(options => options.CallbackBaseUrl = webhooks);
        var emulator = builder.Build();
        emulator.UseWebSockets();
        emulator.MapBandwidthEmulator();
        await emulator.StartAsync();
        var emulatorUrl = emulator.Urls.First().TrimEnd('/');

        var account = new EmulatorOptions();
        var shared = new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = redis.ConnectionString,
            ["Bandwidth:AccountId"] = account.AccountId,
            ["Bandwidth:Username"] = account.Username,
            ["Bandwidth:Password"] = account.Password,
            ["Bandwidth:VoiceApplicationId"] = account.VoiceApplicationId,
            ["Bandwidth:PhoneNumber"] = account.ApplicationPhoneNumber,
            ["Bandwidth:OutboundPhoneNumber"] = account.PhoneNumbers[0],
            ["Bandwidth:BaseCallbackUrl"] = webhooks,
            // Bandwidth sends credentials over https only; these instances listen on plain loopback http.
            ["Bandwidth:AllowUnauthenticatedWebhooks"] = "true",
            // Three cold hosts on a 2-core machine shared with the rest of the suite: a first createParticipant (a POST,
            // never retried) can outlast the 3 s attempt. These tests pin what the instances share, not Bandwidth's pace.
            ["Bandwidth:Resilience:AttemptTimeout"] = "00:00:08",
            ["Bandwidth:Resilience:TotalTimeout"] = "00:00:09",
            ["Bandwidth:WebRtcApiBaseUrl"] = $"{emulatorUrl}/emulator/webrtc/v1",
            ["Bandwidth:VoiceApiBaseUrl"] = $"{emulatorUrl}/emulator/voice/api/v2",
        };
        foreach (var (key, value) in settings ?? new Dictionary<string, string?>())
        {
            shared[key] = value;
        }
        var a = AppInstance.Start(portA, shared);
        var b = AppInstance.Start(portB, shared);
        return new ScaledOutConference(emulator, emulatorUrl, a, b);
    }

    public async ValueTask DisposeAsync()
    {
        await A.DisposeAsync();
        await B.DisposeAsync();
        Http.Dispose();
        await _emulator.DisposeAsync();
    }

}

/// <summary>One instance of the whole app on a given loopback port; disposing it shuts it down as a deploy would.</summary>
public sealed class AppInstance : WebApplicationFactory<Program>
{
    private readonly IReadOnlyDictionary<string, string?> _settings;
    private bool _stopped;

    private AppInstance(int port, IReadOnlyDictionary<string, string?> settings)
    {
        _settings = settings;
        BaseUrl = $"http://127.0.0.1:{port}";
        UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
    }

    public string BaseUrl { get; }

    public T Get<T>() where T : notnull => Services.GetRequiredService<T>();

    public static AppInstance Start(int port, IReadOnlyDictionary<string, string?> settings)
    {
        var app = new AppInstance(port, settings);
        app.StartServer();
        return app;
    }

    /// <summary>Shuts the instance down (its clean-up runs); safe to call again from dispose.</summary>
    public async Task StopAsync()
    {
        if (!_stopped)
        {
            _stopped = true;
            await base.DisposeAsync();
        }
    }

    public override async ValueTask DisposeAsync() => await StopAsync();

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        builder.UseEnvironment("Development");
        foreach (var (key, value) in _settings)
        {
            builder.UseSetting(key, value);
        }
    }
}

using HelloWorld.Blazor.Bandwidth.Voice;
using HelloWorld.Blazor.Bandwidth.WebRtc;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Mvc.Testing;
using Microsoft.AspNetCore.TestHost;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace HelloWorld.Blazor.Tests.TestDoubles;

/// <summary>
/// The whole app, in account mode with real-looking settings, with Bandwidth's APIs replaced by in-memory fakes and every
/// log line captured.
/// </summary>
public class AccountModeAppFactory : WebApplicationFactory<Program>
{
    /// <summary>On Kestrel rather than the test server: for what only a real server enforces, such as body size limits.</summary>
    public static AccountModeAppFactory OnKestrel()
    {
        var factory = new AccountModeAppFactory();
        factory.UseKestrel(kestrel => kestrel.Listen(System.Net.IPAddress.Loopback, 0));
        return factory;
    }

    /// <summary>A client for the app, wherever it runs (the test server, or Kestrel after <see cref="OnKestrel"/>).</summary>
    public HttpClient Client()
    {
        StartServer();
        var addresses = Services.GetService<Microsoft.AspNetCore.Hosting.Server.IServer>()?.Features
            .Get<Microsoft.AspNetCore.Hosting.Server.Features.IServerAddressesFeature>()?.Addresses;
        return addresses is { Count: > 0 } ? new HttpClient { BaseAddress = new Uri(addresses.First()) } : CreateClient();
    }

    public const string CallbackUsername = "hook-user";
    public const string CallbackPassword = "hook-password-7f3a";

    public FakeWebRtcApi WebRtc { get; } = new();

    public FakeVoiceApi Voice { get; } = new();

    public FakeLogCollector Logs { get; } = new();

    /// <summary>The hosting environment; unset, the factory's default (Development).</summary>
    public string? EnvironmentName { get; set; }

    /// <summary>When set, the app's clock: timers (lifetimes, deadlines) fire only as the test advances it.</summary>
    public FakeTimeProvider? Clock { get; set; }

    /// <summary>Settings on top of the defaults below; a null value removes a setting.</summary>
    public Dictionary<string, string?> Settings { get; } = new()
    {
        ["Bandwidth:AccountId"] = "9900000",
        ["Bandwidth:Username"] = "api-user",
        ["Bandwidth:Password"] = "api-password-5c1e",
        ["Bandwidth:VoiceApplicationId"] = "voice-app",
        ["Bandwidth:PhoneNumber"] = "+19195550100",
        ["Bandwidth:OutboundPhoneNumber"] = "+19195550123",
        ["Bandwidth:BaseCallbackUrl"] = "https://app.example.com",
        ["Bandwidth:CallbackUsername"] = CallbackUsername,
        ["Bandwidth:CallbackPassword"] = CallbackPassword,
    };

    protected override void ConfigureWebHost(IWebHostBuilder builder)
    {
        if (EnvironmentName is not null)
        {
            builder.UseEnvironment(EnvironmentName);
        }
        foreach (var (key, value) in Settings)
        {
            builder.UseSetting(key, value);
        }
        builder.ConfigureLogging(logging => logging.AddProvider(new FakeLoggerProvider(Logs)).SetMinimumLevel(LogLevel.Debug));
        builder.ConfigureTestServices(services =>
        {
            services.AddSingleton<IWebRtcApi>(WebRtc);
            services.AddSingleton<IVoiceApi>(Voice);
            if (Clock is not null)
            {
                services.AddSingleton<TimeProvider>(Clock);
            }
        });
    }
}

using HelloWorld.Emulator;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;

namespace HelloWorld.Blazor.Tests.Browser;

/// <summary>The emulator on its own, on a loopback port: a stand-in for Bandwidth that an app in account mode is pointed at.</summary>
public sealed class StandaloneEmulator : IAsyncDisposable
{
    private readonly WebApplication _host;

    private StandaloneEmulator(WebApplication host, string baseUrl)
    {
        _host = host;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public EmulatorOptions Account { get; } = new();

    public HttpClient Http { get; } = new();

    public EmulatorControl Control => new(Http, BaseUrl);

    /// <summary>The app's settings for a "real" account that is this emulator.</summary>
    public Dictionary<string, string?> AccountSettings => new()
    {
        ["Bandwidth:AccountId"] = Account.AccountId,
        ["Bandwidth:Username"] = Account.Username,
        ["Bandwidth:Password"] = Account.Password,
        ["Bandwidth:VoiceApplicationId"] = Account.VoiceApplicationId,
        ["Bandwidth:PhoneNumber"] = Account.ApplicationPhoneNumber,
        ["Bandwidth:OutboundPhoneNumber"] = Account.PhoneNumbers[0],
        ["Bandwidth:BaseCallbackUrl"] = "https://app.example.com",
        ["Bandwidth:CallbackUsername"] = "hook-user",
        ["Bandwidth:CallbackPassword"] = "hook-password-account-mode",
        ["Bandwidth:WebRtcApiBaseUrl"] = $"{BaseUrl}/emulator/webrtc/v1",
        ["Bandwidth:VoiceApiBaseUrl"] = $"{BaseUrl}/emulator/voice/api/v2",
    };

    public static async Task<StandaloneEmulator> StartAsync()
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Services.AddBandwidthEmulator();
        var host = builder.Build();
        host.UseWebSockets();
        host.MapBandwidthEmulator();
        await host.StartAsync();
        return new StandaloneEmulator(host, host.Urls.First().TrimEnd('/'));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await _host.DisposeAsync();
    }
}

using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Bandwidth;

/// <summary>Account mode: everything comes from the settings, and the browser SDK uses Bandwidth's own device endpoint.</summary>
public sealed class BandwidthAccountEnvironment(IOptions<BandwidthOptions> options) : IBandwidthEnvironment
{
    public bool IsEmulator => false;

    public string WebRtcApiBaseUrl => options.Value.WebRtcApiBaseUrl.TrimEnd('/');

    public string VoiceApiBaseUrl => options.Value.VoiceApiBaseUrl.TrimEnd('/');

    public string? CallbackBaseUrl => options.Value.BaseCallbackUrl?.TrimEnd('/');

    public Uri? DeviceWebSocketUrl(Uri pageBaseUri) => null;

    public Uri? PhoneSimulatorUrl(Uri pageBaseUri) => null;
}

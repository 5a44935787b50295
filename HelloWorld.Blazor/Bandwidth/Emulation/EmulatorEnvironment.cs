namespace HelloWorld.Blazor.Bandwidth.Emulation;

/// <summary>Emulator mode: the APIs, the webhooks and the device endpoint all live in this app's own host.</summary>
public sealed class EmulatorEnvironment(SelfAddress self) : IBandwidthEnvironment
{
    public const string WebRtcApiPath = "/emulator/webrtc/v1";
    public const string VoiceApiPath = "/emulator/voice/api/v2";
    public const string DevicePath = "emulator/device";
    public const string PhoneSimulatorPath = "emulator/phone";

    public bool IsEmulator => true;

    public string WebRtcApiBaseUrl => self.BaseUrl + WebRtcApiPath;

    public string VoiceApiBaseUrl => self.BaseUrl + VoiceApiPath;

    public string? CallbackBaseUrl => self.BaseUrl;

    /// <summary>The page's own origin: the browser reaches the emulator wherever it reached the page.</summary>
    public Uri? DeviceWebSocketUrl(Uri pageBaseUri) =>
        new UriBuilder(pageBaseUri) { Scheme = pageBaseUri.Scheme == Uri.UriSchemeHttps ? "wss" : "ws", Path = "/" + DevicePath }.Uri;

    public Uri? PhoneSimulatorUrl(Uri pageBaseUri) => new(pageBaseUri, PhoneSimulatorPath);
}

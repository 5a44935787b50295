namespace HelloWorld.Blazor.Bandwidth;

/// <summary>
/// Where the app reaches Bandwidth and where Bandwidth reaches the app. Against a real account these come from
/// <see cref="BandwidthOptions"/>; in emulator mode they point at this app's own host, which is only known once it listens.
/// </summary>
public interface IBandwidthEnvironment
{
    /// <summary>True when the app talks to the built-in emulator rather than to Bandwidth.</summary>
    bool IsEmulator { get; }

    /// <summary>Base URL of the WebRTC HTTP API, without a trailing slash.</summary>
    string WebRtcApiBaseUrl { get; }

    /// <summary>Base URL of the Voice API, without a trailing slash.</summary>
    string VoiceApiBaseUrl { get; }

    /// <summary>Public base URL of this app's webhooks, without a trailing slash; <c>null</c> when not configured.</summary>
    string? CallbackBaseUrl { get; }

    /// <summary>
    /// The <c>websocketUrl</c> the browser SDK should connect to, for a page served from <paramref name="pageBaseUri"/>;
    /// <c>null</c> means the SDK's default (Bandwidth's own device endpoint).
    /// </summary>
    Uri? DeviceWebSocketUrl(Uri pageBaseUri);

    /// <summary>The emulator's phone simulator page, for the banner; <c>null</c> against Bandwidth.</summary>
    Uri? PhoneSimulatorUrl(Uri pageBaseUri);
}

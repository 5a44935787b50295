using HelloWorld.Emulator;

namespace LoadTest;

/// <summary>
/// The emulated Bandwidth account: the emulator is configured with it, and both servers under test are given it as
/// their "real" account, so the app runs in account mode against the emulator exactly as it would against Bandwidth.
/// </summary>
internal sealed record EmulatedAccount(string AccountId, string Username, string Password)
{
    private static readonly EmulatorOptions Defaults = new();

    public static EmulatedAccount ForLoad { get; } = new("9900001", "load-test", $"load-{Guid.NewGuid():N}");

    /// <summary>The app's settings (as environment variables) for this account on the emulator at <paramref name="emulator"/>.</summary>
    public IEnumerable<KeyValuePair<string, string>> AppEnvironment(string emulator) =>
    [
        new("Bandwidth__AccountId", AccountId),
        new("Bandwidth__Username", Username),
        new("Bandwidth__Password", Password),
        new("Bandwidth__VoiceApplicationId", Defaults.VoiceApplicationId),
        new("Bandwidth__PhoneNumber", Defaults.ApplicationPhoneNumber),
        new("Bandwidth__BaseCallbackUrl", EmulatorHost.CallbackBase),
        new("Bandwidth__WebRtcApiBaseUrl", $"{emulator}/emulator/webrtc/v1"),
        new("Bandwidth__VoiceApiBaseUrl", $"{emulator}/emulator/voice/api/v2"),
        new("Bandwidth__WebRtcTransferSipUri", Defaults.WebRtcTransferSipUri),
    ];

    public IEnumerable<KeyValuePair<string, string>> FloorServerEnvironment(string emulator) =>
    [
        new("Floor__AccountId", AccountId),
        new("Floor__Username", Username),
        new("Floor__Password", Password),
        new("Floor__WebRtcApiBaseUrl", $"{emulator}/emulator/webrtc/v1"),
        new("Floor__TransferSipUri", Defaults.WebRtcTransferSipUri),
    ];
}

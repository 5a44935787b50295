namespace HelloWorld.Blazor.Bandwidth;

/// <summary>
/// The <c>Bandwidth</c> settings section: the account the app talks to and where Bandwidth reaches the app.
/// With no account settings at all the app runs against the built-in emulator instead (see <see cref="RunsEmulator"/>).
/// </summary>
public sealed class BandwidthOptions
{
    public const string SectionName = "Bandwidth";

    /// <summary>The Bandwidth account id (the sample's <c>BW_ACCOUNT_ID</c>).</summary>
    public string? AccountId { get; set; }

    /// <summary>API user name (<c>BW_USERNAME</c>).</summary>
    public string? Username { get; set; }

    /// <summary>API password (<c>BW_PASSWORD</c>). Never logged.</summary>
    public string? Password { get; set; }

    /// <summary>The Voice application that owns <see cref="PhoneNumber"/> (<c>BW_VOICE_APPLICATION_ID</c>).</summary>
    public string? VoiceApplicationId { get; set; }

    /// <summary>The app's own phone number, E.164, that people dial to join (<c>BW_NUMBER</c>).</summary>
    public string? PhoneNumber { get; set; }

    /// <summary>The number the CALL button dials, E.164 (<c>USER_NUMBER</c>). Optional.</summary>
    public string? OutboundPhoneNumber { get; set; }

    /// <summary>
    /// Further E.164 numbers the page may dial. Empty by default: an open dialer on a public page is toll fraud waiting to happen.
    /// </summary>
    public List<string> AllowedOutboundNumbers { get; set; } = [];

    /// <summary>The public base URL at which Bandwidth reaches this app's webhooks (<c>BASE_CALLBACK_URL</c>).</summary>
    public string? BaseCallbackUrl { get; set; }

    public string WebRtcApiBaseUrl { get; set; } = "https://api.webrtc.bandwidth.com/v1";

    public string VoiceApiBaseUrl { get; set; } = "https://voice.bandwidth.com/api/v2";

    /// <summary>
    /// HTTP Basic credentials Bandwidth must present on every Voice webhook. Required against a real account (unless
    /// <see cref="AllowUnauthenticatedWebhooks"/>); optional in emulator mode.
    /// </summary>
    public string? CallbackUsername { get; set; }

    /// <summary>Never logged.</summary>
    public string? CallbackPassword { get; set; }

    /// <summary>
    /// Lets the app start against a real account without <see cref="CallbackUsername"/> and <see cref="CallbackPassword"/>.
    /// Anyone who finds the webhook URLs can then create participants on the account, so the app warns at start.
    /// </summary>
    public bool AllowUnauthenticatedWebhooks { get; set; }

    /// <summary>Where a <c>&lt;Transfer&gt;</c> sends a phone call to join the WebRTC session.</summary>
    public string WebRtcTransferSipUri { get; set; } = "sip:sipx.webrtc.bandwidth.com:5060";

    /// <summary>Forces emulator mode on or off. Unset: on exactly when no account setting is configured.</summary>
    public bool? UseEmulator { get; set; }

    /// <summary>
    /// The settings that only mean something against a real account: any credential, the Voice application, the public
    /// callback URL. (The phone numbers and webhook credentials are used by the emulator too.)
    /// </summary>
    public IReadOnlyList<string> AccountSettingsPresent =>
    [
        .. new (string Name, string? Value)[]
        {
            (nameof(AccountId), AccountId),
            (nameof(Username), Username),
            (nameof(Password), Password),
            (nameof(VoiceApplicationId), VoiceApplicationId),
            (nameof(BaseCallbackUrl), BaseCallbackUrl),
        }.Where(setting => !string.IsNullOrWhiteSpace(setting.Value)).Select(setting => $"Bandwidth:{setting.Name}"),
    ];

    /// <summary>
    /// Emulator mode, unless forced by <see cref="UseEmulator"/>: only when no account setting is present. Any one of them
    /// means the user intends an account, and a half-configured account must fail at start naming what is missing,
    /// not quietly become the emulator.
    /// </summary>
    public bool RunsEmulator => UseEmulator ?? AccountSettingsPresent.Count == 0;

    public bool HasCallbackCredentials =>
        !string.IsNullOrEmpty(CallbackUsername) && !string.IsNullOrEmpty(CallbackPassword);
}

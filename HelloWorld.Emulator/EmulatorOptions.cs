using Microsoft.Extensions.Configuration;

namespace HelloWorld.Emulator;

/// <summary>How the emulated Bandwidth account looks: its credentials, its numbers and its Voice application.</summary>
public sealed class EmulatorOptions
{
    public const string SectionName = "Emulator";

    public string AccountId { get; set; } = "9900000";

    /// <summary>API credentials the emulator accepts (HTTP Basic), standing in for an account's API user.</summary>
    public string Username { get; set; } = "emulator";

    public string Password { get; set; } = "emulator-password";

    public string VoiceApplicationId { get; set; } = "em-voice-application";

    /// <summary>The Bandwidth number of the emulated account: dialing it reaches the Voice application.</summary>
    public string ApplicationPhoneNumber { get; set; } = "+19195550100";

    /// <summary>The simulated phones: the numbers outbound calls can ring, and the phone simulator's choice of caller.</summary>
    public List<string> PhoneNumbers { get; set; } = ["+19195550123", "+19195550124"];

    /// <summary>
    /// The Voice application's inbound (initiate) callback URL. A relative URL is resolved against the host the emulator
    /// runs in, so the default reaches an app that maps the emulator into its own host.
    /// </summary>
    public string InboundCallbackUrl { get; set; } = "/incomingCall";

    /// <summary>The Voice application's status (disconnect) callback URL for inbound calls; relative like <see cref="InboundCallbackUrl"/>.</summary>
    public string StatusCallbackUrl { get; set; } = "/callStatus";

    /// <summary>The SIP URI a BXML <c>Transfer</c> names to move a call into WebRTC.</summary>
    public string WebRtcTransferSipUri { get; set; } = "sip:sipx.webrtc.bandwidth.com:5060";

    /// <summary>Credentials the Voice application presents on webhooks; unset means none.</summary>
    public string? CallbackUsername { get; set; }

    public string? CallbackPassword { get; set; }

    public TimeSpan DeviceTokenLifetime { get; set; } = TimeSpan.FromHours(1);

    /// <summary>How long a synchronous webhook may take before the emulated call fails, as Bandwidth's default.</summary>
    public TimeSpan CallbackTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>UDP port for all media (ICE, DTLS, SRTP); 0 picks a free one.</summary>
    public int MediaPort { get; set; }

    /// <summary>Address the media socket binds to.</summary>
    public string MediaBindAddress { get; set; } = "127.0.0.1";

    /// <summary>Address put in SDP candidates; defaults to <see cref="MediaBindAddress"/>. Set it to reach browsers on a LAN.</summary>
    public string? MediaAdvertisedAddress { get; set; }

    /// <summary>
    /// Whether simulated phones in a session send and hear audio. On by default; a load test with hundreds of phones turns it
    /// off, since every phone would otherwise hear every other phone (a cost that grows with the square of the count).
    /// </summary>
    public bool SimulatePhoneAudio { get; set; } = true;

    /// <summary>
    /// Binds <paramref name="section"/> (the <see cref="SectionName"/> section) onto these options. A configured list
    /// replaces the default one: the configuration binder on its own appends to a list that already holds items, which
    /// would keep the default phones beside the configured ones.
    /// </summary>
    public void BindConfiguration(IConfiguration section)
    {
        if (section.GetSection(nameof(PhoneNumbers)).GetChildren().Any())
        {
            PhoneNumbers = [];
        }
        section.Bind(this);
    }

    /// <summary>Bandwidth's documented limits the emulated account keeps (<c>Emulator:Limits</c>).</summary>
    public EmulatorLimits Limits { get; set; } = new();

    /// <summary>
    /// Whether the control API (<c>/emulator/control</c>) answers other machines. Off by default: it has no credentials,
    /// dials phones, installs faults and shows device tokens. Even on, it answers only requests addressed to
    /// <c>localhost</c> or an IP address, never to another host name (DNS rebinding).
    /// </summary>
    public bool AllowRemoteControl { get; set; }

    /// <summary>How long a browser may go without ICE consent checks (sent every few seconds) before it counts as gone (RFC 7675).</summary>
    public TimeSpan MediaConsentTimeout { get; set; } = TimeSpan.FromSeconds(30);
}

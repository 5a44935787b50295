using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Tests.TestDoubles;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Tests.Conference;

/// <summary>
/// The phone call services wired as <c>AddConference</c> wires them (the page's <see cref="PhoneCallService"/>, the
/// webhooks' <see cref="CallLegs"/>, one registry and one participant service), over the in-memory Bandwidth APIs.
/// </summary>
public sealed class PhoneCallsUnderTest : IDisposable
{
    private readonly OutboundCallPolicy _policy;

    public PhoneCallsUnderTest(BandwidthOptions settings, PhoneCallOptions options)
    {
        Sessions = new SessionTracker(WebRtc, NullLogger<SessionTracker>.Instance);
        Participants = new ParticipantService(WebRtc, Sessions, TimeProvider.System, Options.Create(new ParticipantOptions()),
            NullLogger<ParticipantService>.Instance);
        Legs = new CallLegs(Participants, Registry, Options.Create(options), NullLogger<CallLegs>.Instance);
        _policy = new OutboundCallPolicy(Registry, Options.Create(settings), Options.Create(options));
        Service = new PhoneCallService(_policy, Legs, Voice, new BandwidthAccountEnvironment(Options.Create(settings)), Options.Create(settings),
            Options.Create(options), NullLogger<PhoneCallService>.Instance);
    }

    public FakeWebRtcApi WebRtc { get; } = new();

    public FakeVoiceApi Voice { get; } = new();

    public SessionTracker Sessions { get; }

    public ParticipantService Participants { get; }

    public CallRegistry Registry { get; } = new(TimeProvider.System, NullLogger<CallRegistry>.Instance);

    public CallLegs Legs { get; }

    public PhoneCallService Service { get; }

    /// <summary>Settings as an account configures them, with two numbers the app may call.</summary>
    public static BandwidthOptions AccountSettings() => new()
    {
        AccountId = "9900000",
        Username = "u",
        Password = "p",
        VoiceApplicationId = "voice-app",
        PhoneNumber = "+19195550100",
        OutboundPhoneNumber = "+19195550123",
        AllowedOutboundNumbers = ["+19195550124"],
        BaseCallbackUrl = "https://app.example.com",
        CallbackUsername = "hook-user",
        CallbackPassword = "hook-password",
    };

    public void Dispose() => _policy.Dispose();
}

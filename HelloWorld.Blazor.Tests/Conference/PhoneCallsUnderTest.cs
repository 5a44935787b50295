using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Tests.TestDoubles;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Tests.Conference;

/// <summary>
/// The conference services wired as <c>AddConference</c> wires them (the session's capacity, the participant service,
/// the page's <see cref="PhoneCallService"/>, the webhooks' <see cref="CallLegs"/>, one registry, the reconciler and the
/// sweep), over the in-memory Bandwidth APIs and one clock.
/// </summary>
public sealed class PhoneCallsUnderTest : IDisposable
{
    public PhoneCallsUnderTest(BandwidthOptions settings, PhoneCallOptions options, ParticipantOptions? participantOptions = null, TimeProvider? clock = null)
    {
        Clock = clock ?? TimeProvider.System;
        var participantSettings = Options.Create(participantOptions ?? new ParticipantOptions());
        Capacity = new SessionCapacity(participantSettings, NullLogger<SessionCapacity>.Instance);
        Sessions = new SessionTracker(WebRtc, NullLogger<SessionTracker>.Instance);
        Participants = new ParticipantService(WebRtc, Sessions, Capacity, Clock, participantSettings, NullLogger<ParticipantService>.Instance);
        Registry = new CallRegistry(Clock, NullLogger<CallRegistry>.Instance);
        Legs = new CallLegs(Participants, Registry, Options.Create(options), NullLogger<CallLegs>.Instance);
        Reconciler = new CallReconciler(Registry, Legs, Voice, Clock, Options.Create(options), NullLogger<CallReconciler>.Instance);
        var policy = new OutboundCallPolicy(Registry, Capacity, Clock, Options.Create(settings), Options.Create(options));
        Service = new PhoneCallService(policy, Legs, Reconciler, Voice, new BandwidthAccountEnvironment(Options.Create(settings)), Options.Create(settings),
            Options.Create(options), NullLogger<PhoneCallService>.Instance);
        Sweep = new ConferenceSweep(Participants, Sessions, WebRtc, Registry, Reconciler, Clock, participantSettings, NullLogger<ConferenceSweep>.Instance);
    }

    public TimeProvider Clock { get; }

    public FakeWebRtcApi WebRtc { get; } = new();

    public FakeVoiceApi Voice { get; } = new();

    public SessionCapacity Capacity { get; }

    public SessionTracker Sessions { get; }

    public ParticipantService Participants { get; }

    public CallRegistry Registry { get; }

    public CallLegs Legs { get; }

    public CallReconciler Reconciler { get; }

    public PhoneCallService Service { get; }

    public ConferenceSweep Sweep { get; }

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

    public void Dispose()
    {
        Reconciler.Dispose();
        Sweep.Dispose();
    }
}

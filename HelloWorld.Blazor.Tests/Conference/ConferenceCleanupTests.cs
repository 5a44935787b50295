using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Tests.TestDoubles;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Tests.Conference;

public sealed class ConferenceCleanupTests : IDisposable
{
    private readonly FakeWebRtcApi _webRtc = new();
    private readonly SessionTracker _sessions;
    private readonly ParticipantService _participants;
    private readonly PhoneCallService _calls;
    private readonly ConferenceCleanup _cleanup;

    public ConferenceCleanupTests()
    {
        _sessions = new SessionTracker(_webRtc, NullLogger<SessionTracker>.Instance);
        _participants = new ParticipantService(_webRtc, _sessions, TimeProvider.System, Options.Create(new ParticipantOptions()),
            NullLogger<ParticipantService>.Instance);
        var settings = new BandwidthOptions { BaseCallbackUrl = "https://app.example.com" };
        _calls = new PhoneCallService(_participants, new FakeVoiceApi(), new CallRegistry(TimeProvider.System, NullLogger<CallRegistry>.Instance),
            new BandwidthAccountEnvironment(Options.Create(settings)), Options.Create(settings), Options.Create(new PhoneCallOptions()),
            NullLogger<PhoneCallService>.Instance);
        _cleanup = new ConferenceCleanup(_participants, _calls, _sessions, _webRtc, NullLogger<ConferenceCleanup>.Instance);
    }

    public void Dispose() => _calls.Dispose();

    [Fact]
    public async Task Shutdown_DeletesEveryParticipantAndTheSession()
    {
        await _participants.JoinAsync(ParticipantKind.Browser);
        await _calls.AcceptInboundCallAsync("c-in", "+19195550123", "+19195550100", default);

        await _cleanup.StopAsync(default);

        Assert.Empty(_webRtc.Participants);
        Assert.Empty(_webRtc.Sessions);
    }

    [Fact]
    public async Task Shutdown_WaitsForADialInsJoinThatOutlivedItsWebhook_AndDeletesWhatItCreated()
    {
        var creating = _webRtc.HoldNext("createParticipant");
        using var budget = new CancellationTokenSource();
        var accept = _calls.AcceptInboundCallAsync("c-in", "+19195550123", "+19195550100", budget.Token);
        await creating.Entered;
        await budget.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => accept);

        var stopping = _cleanup.StopAsync(default);

        Assert.False(stopping.IsCompleted); // waiting for the join, whose participant does not exist yet
        creating.Release();
        await stopping;
        Assert.Empty(_webRtc.Participants);
    }
}

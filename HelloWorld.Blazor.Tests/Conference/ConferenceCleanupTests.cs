using HelloWorld.Blazor.Conference;
using Microsoft.Extensions.Logging.Abstractions;

namespace HelloWorld.Blazor.Tests.Conference;

public sealed class ConferenceCleanupTests : IDisposable
{
    private readonly PhoneCallsUnderTest _calls = new(PhoneCallsUnderTest.AccountSettings(), new PhoneCallOptions());
    private readonly ConferenceCleanup _cleanup;

    public ConferenceCleanupTests()
    {
        _cleanup = new ConferenceCleanup(_calls.Participants, [_calls.Legs], _calls.Sessions, _calls.WebRtc, NullLogger<ConferenceCleanup>.Instance);
    }

    public void Dispose() => _calls.Dispose();

    [Fact]
    public async Task Shutdown_DeletesEveryParticipantAndTheSession()
    {
        await _calls.Participants.JoinAsync(ParticipantKind.Browser);
        await _calls.Legs.AcceptInboundCallAsync("c-in", "+19195550123", "+19195550100", default);

        await _cleanup.StopAsync(default);

        Assert.Empty(_calls.WebRtc.Participants);
        Assert.Empty(_calls.WebRtc.Sessions);
    }

    [Fact]
    public async Task Shutdown_WaitsForADialInsJoinThatOutlivedItsWebhook_AndDeletesWhatItCreated()
    {
        var creating = _calls.WebRtc.HoldNext("createParticipant");
        using var budget = new CancellationTokenSource();
        var accept = _calls.Legs.AcceptInboundCallAsync("c-in", "+19195550123", "+19195550100", budget.Token);
        await creating.Entered;
        await budget.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => accept);

        var stopping = _cleanup.StopAsync(default);

        Assert.False(stopping.IsCompleted); // waiting for the join, whose participant does not exist yet
        creating.Release();
        await stopping;
        Assert.Empty(_calls.WebRtc.Participants);
    }
}

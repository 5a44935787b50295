using HelloWorld.Blazor.Api;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Security;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HelloWorld.Blazor.Tests.Conference;

public sealed class ConferenceCleanupTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new();
    private readonly PhoneCallsUnderTest _calls = new(PhoneCallsUnderTest.AccountSettings(), new PhoneCallOptions());
    private readonly ConnectionInfoParticipants _connectionInfo;
    private readonly ConferenceCleanup _cleanup;

    public ConferenceCleanupTests()
    {
        _connectionInfo = new ConnectionInfoParticipants(_calls.Participants, _calls.Capacity, _clock,
            Options.Create(new ConnectionInfoOptions { ParticipantLifetime = TimeSpan.FromMinutes(30) }), NullLogger<ConnectionInfoParticipants>.Instance);
        _cleanup = new ConferenceCleanup(_calls.Participants, [_calls.Legs, _connectionInfo], _calls.Sessions, _calls.WebRtc,
            NullLogger<ConferenceCleanup>.Instance);
    }

    public void Dispose()
    {
        _connectionInfo.Dispose();
        _calls.Dispose();
    }

    [Fact]
    public async Task Shutdown_DeletesEveryParticipantAndTheSession()
    {
        await _calls.Participants.JoinAsync(ParticipantKind.Browser);
        await _calls.Legs.AcceptInboundCallAsync("c-in", "+19195550123", "+19195550100", default);
        await _connectionInfo.JoinAsync(ClientAddress.Unknown, default);

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

    [Fact]
    public async Task Shutdown_WaitsForAConnectionInfoParticipantsDeletionUnderWay_InsteadOfDeletingItAgain()
    {
        await _connectionInfo.JoinAsync(ClientAddress.Unknown, default);
        var deleting = _calls.WebRtc.HoldNext("deleteParticipant");
        _clock.Advance(TimeSpan.FromMinutes(30));
        await deleting.Entered; // its lifetime is over and Bandwidth is deleting it

        var stopping = _cleanup.StopAsync(default);

        Assert.False(stopping.IsCompleted);
        deleting.Release();
        await stopping;
        Assert.Empty(_calls.WebRtc.Participants);
        Assert.Equal(1, _calls.WebRtc.Calls("deleteParticipant"));
    }

    [Fact]
    public async Task Shutdown_StopsLifetimesRunningOut_SoTheSweepAloneDeletesThoseParticipants()
    {
        await _connectionInfo.JoinAsync(ClientAddress.Unknown, default);
        var sweeping = _calls.WebRtc.HoldNext("deleteParticipant");
        var stopping = _cleanup.StopAsync(default);
        await sweeping.Entered;

        _clock.Advance(TimeSpan.FromMinutes(30)); // the lifetime runs out while the sweep deletes the participant
        sweeping.Release();
        await stopping;

        Assert.Empty(_calls.WebRtc.Participants);
        Assert.Equal(1, _calls.WebRtc.Calls("deleteParticipant"));
    }
}

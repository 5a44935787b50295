using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Bandwidth.WebRtc;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Tests.TestDoubles;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HelloWorld.Blazor.Tests.Conference;

public sealed class ParticipantServiceTests
{
    private readonly FakeWebRtcApi _api = new();
    private readonly SessionTracker _sessions;
    private readonly ParticipantService _service;

    public ParticipantServiceTests()
    {
        _sessions = new SessionTracker(_api, NullLogger<SessionTracker>.Instance);
        _service = new ParticipantService(_api, _sessions, Capacity(new ParticipantOptions()), TimeProvider.System, Options.Create(new ParticipantOptions()),
            NullLogger<ParticipantService>.Instance);
    }

    [Theory]
    [InlineData(ParticipantKind.Browser, "hello-world-browser")]
    [InlineData(ParticipantKind.Phone, "hello-world-phone")]
    public async Task Join_CreatesAnAudioOnlyV3ParticipantTaggedForItsKind(ParticipantKind kind, string tag)
    {
        var joined = await _service.JoinAsync(kind);

        var participant = Assert.Single(_api.Participants);
        Assert.Equal(joined.Id, participant.Id);
        Assert.Equal([PublishPermission.AUDIO], participant.PublishPermissions);
        Assert.Equal(DeviceApiVersion.V3, participant.DeviceApiVersion);
        Assert.Equal(tag, participant.Tag);
        Assert.Equal($"token-for-{participant.Id}", joined.Token);
    }

    [Fact]
    public async Task Join_SubscribesTheParticipantToTheWholeSession()
    {
        var joined = await _service.JoinAsync(ParticipantKind.Browser);

        var participant = Assert.Single(_api.Participants);
        Assert.Equal([joined.SessionId], participant.Sessions);
        Assert.Equal(new Subscriptions(joined.SessionId), participant.Subscriptions);
    }

    [Fact]
    public async Task Join_InSteadyState_TakesExactlyTwoBandwidthRoundTrips()
    {
        await _service.JoinAsync(ParticipantKind.Browser);
        var before = _api.TotalCalls;

        await _service.JoinAsync(ParticipantKind.Phone);

        Assert.Equal(2, _api.TotalCalls - before);
    }

    [Fact]
    public async Task Join_WhenBandwidthForgotTheSession_CreatesANewSessionAndRetriesOnce()
    {
        var first = await _service.JoinAsync(ParticipantKind.Browser);
        _api.ForgetSession(first.SessionId);

        var second = await _service.JoinAsync(ParticipantKind.Browser);

        Assert.NotEqual(first.SessionId, second.SessionId);
        Assert.Equal(2, _api.Calls("createSession"));
        Assert.Equal(3, _api.Calls("addParticipantToSession"));
        Assert.Equal(1, _api.Calls("getSession"));
        Assert.Equal([second.SessionId], _api.Participants.Single(p => p.Id == second.Id).Sessions);
    }

    [Fact]
    public async Task Join_WhenAdding404sButTheSessionIsHealthy_KeepsTheSession_AndLaterJoinersShareIt()
    {
        var first = await _service.JoinAsync(ParticipantKind.Browser);
        // e.g. Bandwidth lost the new participant: the 404 is not about the session.
        _api.FailNext("addParticipantToSession", FakeWebRtcApi.NotFound("addParticipantToSession"));

        var error = await Assert.ThrowsAsync<BandwidthApiException>(() => _service.JoinAsync(ParticipantKind.Phone));
        var third = await _service.JoinAsync(ParticipantKind.Browser);

        Assert.True(error.IsNotFound);
        Assert.Equal(1, _api.Calls("createSession"));
        Assert.Equal(first.SessionId, third.SessionId);
        Assert.Equal(first.SessionId, await _sessions.GetSessionIdAsync());
        Assert.Equal(2, _api.Participants.Count); // the failed joiner's participant was deleted
    }

    [Fact]
    public async Task Join_WhenAddingToTheSessionFails_DeletesTheParticipantItCreated()
    {
        _api.FailNext("addParticipantToSession", new BandwidthUnavailableException("addParticipantToSession", "timed out"));

        await Assert.ThrowsAsync<BandwidthUnavailableException>(() => _service.JoinAsync(ParticipantKind.Phone));

        Assert.Empty(_api.Participants);
        Assert.Empty(_service.Active);
    }

    [Fact]
    public async Task Join_WhenTheCallerCancelsAfterTheParticipantWasCreated_StillDeletesTheParticipant()
    {
        using var cancel = new CancellationTokenSource();
        var adding = _api.HoldNext("addParticipantToSession");
        var join = _service.JoinAsync(ParticipantKind.Phone, cancel.Token);
        await adding.Entered;
        Assert.Single(_api.Participants); // created at Bandwidth, not in the session yet

        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => join);
        Assert.Empty(_api.Participants);
        Assert.Empty(_service.Active);
    }

    [Fact]
    public async Task Join_ThatOutlastsItsDeadline_FailsAsUnavailable_AndLeavesNoParticipant()
    {
        var clock = new FakeTimeProvider();
        var settings = new ParticipantOptions { JoinTimeout = TimeSpan.FromSeconds(10) };
        var service = new ParticipantService(_api, _sessions, Capacity(settings), clock, Options.Create(settings), NullLogger<ParticipantService>.Instance);
        var adding = _api.HoldNext("addParticipantToSession");
        var join = service.JoinAsync(ParticipantKind.Browser);
        await adding.Entered;

        clock.Advance(TimeSpan.FromSeconds(10));

        var error = await Assert.ThrowsAsync<BandwidthUnavailableException>(() => join);
        Assert.Contains("timed out after 10 s", error.Message);
        Assert.Empty(_api.Participants);
        Assert.Empty(service.Active);
    }

    [Fact]
    public async Task Leave_DeletesTheParticipantAndForgetsIt()
    {
        var joined = await _service.JoinAsync(ParticipantKind.Browser);

        await _service.LeaveAsync(joined.Id);

        Assert.Empty(_api.Participants);
        Assert.Null(_service.Find(joined.Id));
    }

    [Fact]
    public async Task Leave_ForAParticipantBandwidthNoLongerKnows_Succeeds()
    {
        var joined = await _service.JoinAsync(ParticipantKind.Browser);
        await _api.DeleteParticipantAsync(joined.Id);

        await _service.LeaveAsync(joined.Id);

        Assert.Empty(_service.Active);
    }

    [Fact]
    public async Task Leave_WhenBandwidthFails_KeepsTheParticipantTrackedForALaterTry()
    {
        var joined = await _service.JoinAsync(ParticipantKind.Browser);
        _api.FailNext("deleteParticipant", new BandwidthUnavailableException("deleteParticipant", "timed out"));

        await Assert.ThrowsAsync<BandwidthUnavailableException>(() => _service.LeaveAsync(joined.Id));

        Assert.Equal(joined.Id, Assert.Single(_service.Active).Id);
    }

    private static SessionCapacity Capacity(ParticipantOptions settings) => new(Options.Create(settings), NullLogger<SessionCapacity>.Instance);
}

using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Bandwidth.WebRtc;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Security;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace HelloWorld.Blazor.Tests.Conference;

/// <summary>The sweep: what Bandwidth's session holds against what the app's tabs, calls and leases hold.</summary>
public sealed class ConferenceSweepTests : IDisposable
{
    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly PhoneCallsUnderTest _calls;

    public ConferenceSweepTests() =>
        _calls = new PhoneCallsUnderTest(PhoneCallsUnderTest.AccountSettings(), new PhoneCallOptions(), clock: _clock);

    public void Dispose() => _calls.Dispose();

    [Fact]
    public async Task AParticipantWhoseDeletionFailed_IsDeleted_WhileHeldOnesAreLeftAlone()
    {
        var tab = await _calls.Participants.JoinAsync(ParticipantKind.Browser, ClientAddress.Unknown);
        await _calls.Legs.AcceptInboundCallAsync("c-dial-in", "+15555555555", "+19195550100", default);
        var left = await _calls.Participants.JoinAsync(ParticipantKind.Browser);
        _calls.WebRtc.FailNext("deleteParticipant", new BandwidthUnavailableException("deleteParticipant", "timed out"));
        await Assert.ThrowsAsync<BandwidthUnavailableException>(() => _calls.Participants.LeaveAsync(left.Id));

        var result = await _calls.Sweep.SweepAsync();

        Assert.Equal(new SweepResult(InSession: 3, OrphansDeleted: 1, CallsEnded: 0), result);
        Assert.Equal(2, _calls.WebRtc.Participants.Count);
        Assert.DoesNotContain(_calls.WebRtc.Participants, participant => participant.Id == left.Id);
        Assert.Contains(_calls.WebRtc.Participants, participant => participant.Id == tab.Id);
        Assert.Equal(2, _calls.Capacity.Current.InUse);
    }

    [Fact]
    public async Task AnAppParticipantInTheSessionThatNobodyHolds_IsDeleted_ButNotSomeoneElses()
    {
        var sessionId = (await _calls.Participants.JoinAsync(ParticipantKind.Browser)).SessionId;
        var stray = await AddToSessionAsync(sessionId, "hello-world-phone");
        var foreign = await AddToSessionAsync(sessionId, "someone-elses-app");

        var result = await _calls.Sweep.SweepAsync();

        Assert.Equal(1, result.OrphansDeleted);
        Assert.DoesNotContain(_calls.WebRtc.Participants, participant => participant.Id == stray);
        Assert.Contains(_calls.WebRtc.Participants, participant => participant.Id == foreign);
    }

    [Fact]
    public async Task ACallWhoseParticipantBandwidthNoLongerHas_IsHungUpAndEnded()
    {
        await _calls.Legs.AcceptInboundCallAsync("c-dial-in", "+15555555555", "+19195550100", default);
        var participantId = _calls.Registry.Find("c-dial-in")!.ParticipantId!;
        await _calls.WebRtc.DeleteParticipantAsync(participantId); // gone at Bandwidth, behind the app's back

        var result = await _calls.Sweep.SweepAsync();

        Assert.Equal(1, result.CallsEnded);
        var call = _calls.Registry.Find("c-dial-in")!;
        Assert.Equal((CallState.Ended, "its participant left the session"), (call.State, call.EndCause));
        Assert.Equal("c-dial-in", Assert.Single(_calls.Voice.Updated).CallId);
        Assert.Equal(0, _calls.Capacity.Current.InUse);
    }

    [Fact]
    public async Task ASweep_LogsWhatItFoundAndDid_WithCounts()
    {
        var logs = new FakeLogCollector();
        using var sweep = new ConferenceSweep(_calls.Participants, _calls.Sessions, _calls.WebRtc, _calls.Registry, _calls.Reconciler, _clock,
            Options.Create(new ParticipantOptions()), new FakeLogger<ConferenceSweep>(logs));
        var sessionId = (await _calls.Participants.JoinAsync(ParticipantKind.Browser)).SessionId;
        await AddToSessionAsync(sessionId, "hello-world-browser");

        await sweep.SweepAsync();

        var line = Assert.Single(logs.GetSnapshot(), log => log.Level == LogLevel.Information);
        Assert.Equal("Sweep: 2 participant(s) in the session; 1 held by nobody, 1 deleted; 0 call(s) ended to match Bandwidth", line.Message);
    }

    [Fact]
    public async Task TheSweep_RunsEverySweepInterval_OnTheAppsClock()
    {
        using var sweep = new ConferenceSweep(_calls.Participants, _calls.Sessions, _calls.WebRtc, _calls.Registry, _calls.Reconciler, _clock,
            Options.Create(new ParticipantOptions { SweepInterval = TimeSpan.FromSeconds(30) }), new FakeLogger<ConferenceSweep>());
        await _calls.Participants.JoinAsync(ParticipantKind.Browser);
        await sweep.StartAsync(default);

        _clock.Advance(TimeSpan.FromSeconds(29));
        Assert.Equal(0, _calls.WebRtc.Calls("listSessionParticipants"));
        _clock.Advance(TimeSpan.FromSeconds(1));
        await EventuallyAsync(() => _calls.WebRtc.Calls("listSessionParticipants") == 1, () => $"{_calls.WebRtc.Calls("listSessionParticipants")} lists");
        _clock.Advance(TimeSpan.FromSeconds(30));
        await EventuallyAsync(() => _calls.WebRtc.Calls("listSessionParticipants") == 2, () => $"{_calls.WebRtc.Calls("listSessionParticipants")} lists");

        await sweep.StopAsync(default);
    }

    [Fact]
    public async Task Shutdown_WaitsForTheSweepsDeletions()
    {
        var sessionId = (await _calls.Participants.JoinAsync(ParticipantKind.Browser)).SessionId;
        await AddToSessionAsync(sessionId, "hello-world-browser");
        var deleting = _calls.WebRtc.HoldNext("deleteParticipant");
        var sweeping = _calls.Sweep.SweepAsync();
        await deleting.Entered;

        var drain = _calls.Sweep.DrainAsync(default);

        Assert.False(drain.IsCompleted);
        deleting.Release();
        await drain.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.True(sweeping.IsCompletedSuccessfully);
        Assert.Equal(new SweepResult(0, 0, 0), await _calls.Sweep.SweepAsync()); // none starts once drained
    }

    private async Task<string> AddToSessionAsync(string sessionId, string tag)
    {
        var created = await _calls.WebRtc.CreateParticipantAsync(new CreateParticipantRequest([PublishPermission.AUDIO], tag));
        await _calls.WebRtc.AddParticipantToSessionAsync(sessionId, created.Participant.Id, new Subscriptions(sessionId));
        return created.Participant.Id;
    }

    private static async Task EventuallyAsync(Func<bool> condition, Func<string> seen)
    {
        // The sweep runs on the timer's thread once the fake clock fires it; bounded so a sweep that never runs fails.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (!condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"the sweep did not run as expected: {seen()}");
            await Task.Delay(10);
        }
    }
}

using System.Net;
using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Security;

namespace HelloWorld.Blazor.Tests.Conference;

/// <summary>The session's places: taken before a participant is created, given back once Bandwidth confirms it is gone.</summary>
public sealed class SessionCapacityTests : IDisposable
{
    private static readonly ClientAddress Alice = ClientAddress.From(IPAddress.Parse("203.0.113.7"));
    private static readonly ClientAddress Bob = ClientAddress.From(IPAddress.Parse("198.51.100.20"));

    private readonly PhoneCallsUnderTest _calls =
        new(PhoneCallsUnderTest.AccountSettings(), new PhoneCallOptions(), new ParticipantOptions { MaxPerSession = 20, MaxPerClient = 3 });

    public void Dispose() => _calls.Dispose();

    [Fact]
    public async Task TheTwentyFirstParticipant_IsRefusedBeforeAnythingIsCreated_SayingTheCallIsFull()
    {
        for (var i = 0; i < 20; i++)
        {
            await _calls.Participants.JoinAsync(ParticipantKind.Phone);
        }

        var refused = await Assert.ThrowsAsync<ParticipantRefusedException>(() => _calls.Participants.JoinAsync(ParticipantKind.Browser));

        Assert.Equal(ParticipantRefusal.SessionFull, refused.Reason);
        Assert.Equal("The call is full (20 of 20).", refused.Message);
        Assert.Equal(20, _calls.WebRtc.Calls("createParticipant"));
        Assert.Equal(new CapacitySnapshot(20, 20), _calls.Capacity.Current);
    }

    [Fact]
    public async Task ConcurrentJoins_NeverPassTheCeiling()
    {
        using var small = new PhoneCallsUnderTest(PhoneCallsUnderTest.AccountSettings(), new PhoneCallOptions(), new ParticipantOptions { MaxPerSession = 5 });
        small.WebRtc.Latency = TimeSpan.FromMilliseconds(20);

        var joins = Enumerable.Range(0, 30).Select(_ => Task.Run(() => small.Participants.JoinAsync(ParticipantKind.Phone))).ToList();
        await Task.WhenAll(joins.Select(join => join.ContinueWith(_ => { }, TaskScheduler.Default)));

        Assert.Equal(5, joins.Count(join => join.IsCompletedSuccessfully));
        Assert.All(joins.Where(join => join.IsFaulted), join => Assert.IsType<ParticipantRefusedException>(join.Exception!.InnerException));
        Assert.Equal(5, small.WebRtc.Calls("createParticipant"));
    }

    [Fact]
    public async Task APlaceFreedByALeave_IsPushedToSubscribers_AndTakenByTheNextJoin()
    {
        var participants = new List<JoinedParticipant>();
        for (var i = 0; i < 20; i++)
        {
            participants.Add(await _calls.Participants.JoinAsync(ParticipantKind.Phone));
        }
        var freed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = _calls.Capacity.Subscribe(() =>
        {
            if (!_calls.Capacity.Current.IsFull)
            {
                freed.TrySetResult();
            }
            return Task.CompletedTask;
        });

        await _calls.Participants.LeaveAsync(participants[0].Id);

        await freed.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await _calls.Participants.JoinAsync(ParticipantKind.Browser);
        Assert.True(_calls.Capacity.Current.IsFull);
    }

    [Fact]
    public async Task AClient_BeyondMaxPerClient_IsRefused_WhileOthersAndPhonesAreNot()
    {
        for (var i = 0; i < 3; i++)
        {
            await _calls.Participants.JoinAsync(ParticipantKind.Browser, Alice);
        }

        var refused = await Assert.ThrowsAsync<ParticipantRefusedException>(() => _calls.Participants.JoinAsync(ParticipantKind.Browser, Alice));

        Assert.Equal(ParticipantRefusal.ClientLimit, refused.Reason);
        Assert.Equal(3, _calls.Capacity.HeldBy(Alice));
        await _calls.Participants.JoinAsync(ParticipantKind.Browser, Bob);
        await _calls.Participants.JoinAsync(ParticipantKind.Phone);
        Assert.Equal(5, _calls.WebRtc.Participants.Count);
    }

    [Fact]
    public async Task AFailedCreation_GivesItsPlaceBack()
    {
        _calls.WebRtc.FailNext("createParticipant", new BandwidthApiException(HttpStatusCode.InternalServerError, "createParticipant", "boom"));

        await Assert.ThrowsAsync<BandwidthApiException>(() => _calls.Participants.JoinAsync(ParticipantKind.Browser, Alice));

        Assert.Equal(0, _calls.Capacity.Current.InUse);
        Assert.Equal(0, _calls.Capacity.HeldBy(Alice));
    }

    [Fact]
    public async Task AFailedDeletion_KeepsThePlace_AndLeavesTheParticipantHeldByNobody()
    {
        var joined = await _calls.Participants.JoinAsync(ParticipantKind.Browser, Alice);
        _calls.WebRtc.FailNext("deleteParticipant", new BandwidthUnavailableException("deleteParticipant", "timed out"));

        await Assert.ThrowsAsync<BandwidthUnavailableException>(() => _calls.Participants.LeaveAsync(joined.Id));

        Assert.Equal(1, _calls.Capacity.Current.InUse); // it may well still be in the session
        Assert.False(_calls.Participants.IsHeld(joined.Id));
        await _calls.Participants.LeaveAsync(joined.Id);
        Assert.Equal(0, _calls.Capacity.Current.InUse);
    }

    [Fact]
    public async Task A409FromBandwidthOnAdd_IsAFullCall_AndTheCreatedParticipantIsDeleted()
    {
        _calls.WebRtc.FailNext("addParticipantToSession",
            new BandwidthApiException(HttpStatusCode.Conflict, "addParticipantToSession", "Session has reached its participant limit"));

        var refused = await Assert.ThrowsAsync<ParticipantRefusedException>(() => _calls.Participants.JoinAsync(ParticipantKind.Browser, Alice));

        Assert.Equal(ParticipantRefusal.SessionFull, refused.Reason);
        Assert.Equal("The call is full (20 of 20).", refused.Message);
        Assert.Empty(_calls.WebRtc.Participants);
        Assert.Equal(0, _calls.Capacity.Current.InUse);
    }
}

using HelloWorld.Emulator.WebRtc;

namespace HelloWorld.Emulator.Tests.WebRtc;

public sealed class WebRtcStoreTests
{
    private readonly WebRtcStore _store = new(TimeProvider.System);

    [Fact]
    public void WholeSessionSubscription_ReceivesEveryoneInTheSession_IncludingLaterParticipants_ButNotItself()
    {
        var session = _store.CreateSession("s").Id;
        var listener = Join(session, new EmulatedSubscriptions(session, []));
        var early = Join(session, EmulatedSubscriptions.None);

        var late = Join(session, EmulatedSubscriptions.None);

        Assert.True(_store.Receives(listener, early, null));
        Assert.True(_store.Receives(listener, late, "any alias"));
        Assert.False(_store.Receives(listener, listener, null));
        Assert.False(_store.Receives(early, listener, null)); // no subscriptions, nothing received
    }

    [Fact]
    public void ParticipantsList_OverridesTheSessionId_AndNarrowsToItsAliases()
    {
        var session = _store.CreateSession("s").Id;
        var chosen = Join(session, EmulatedSubscriptions.None);
        var other = Join(session, EmulatedSubscriptions.None);
        var listener = Join(session, new EmulatedSubscriptions(session, [new EmulatedParticipantSubscription(chosen, ["mic"])]));

        Assert.True(_store.Receives(listener, chosen, "mic"));
        Assert.False(_store.Receives(listener, chosen, "screen"));
        Assert.False(_store.Receives(listener, other, "mic"));
    }

    [Fact]
    public void NobodyReceivesAcrossSessions()
    {
        var first = _store.CreateSession("a").Id;
        var second = _store.CreateSession("b").Id;
        var listener = Join(first, new EmulatedSubscriptions(first, []));
        var elsewhere = Join(second, EmulatedSubscriptions.None);

        Assert.False(_store.Receives(listener, elsewhere, null));
    }

    [Fact]
    public void DeletingAParticipant_TakesItOutOfItsSession_AndTellsListeners()
    {
        var session = _store.CreateSession("s").Id;
        var participant = Join(session, EmulatedSubscriptions.None);
        var changes = new List<WebRtcChange>();
        _store.Changed += changes.Add;

        Assert.True(_store.DeleteParticipant(participant));

        Assert.Empty(_store.SessionParticipants(session)!);
        Assert.Equal(new WebRtcChange(WebRtcChangeKind.ParticipantDeleted, participant, session), Assert.Single(changes));
        Assert.False(_store.DeleteParticipant(participant));
    }

    [Fact]
    public void DeletingASession_LeavesItsParticipantsWithoutSessionOrSubscriptions()
    {
        var session = _store.CreateSession("s").Id;
        var participant = Join(session, new EmulatedSubscriptions(session, []));

        _store.DeleteSession(session);

        var left = _store.FindParticipant(participant)!;
        Assert.Null(left.SessionId);
        Assert.Equal(EmulatedSubscriptions.None, left.Subscriptions);
    }

    [Fact]
    public void AddingAParticipantToItsOwnSessionAgain_OnlyReplacesItsSubscriptions_AndItStaysListedOnce()
    {
        var session = _store.CreateSession("s").Id;
        var participant = Join(session, EmulatedSubscriptions.None);

        Assert.Equal(MembershipResult.Ok, _store.AddToSession(session, participant, new EmulatedSubscriptions(session, [])));

        Assert.Equal([participant], _store.FindSession(session)!.ParticipantIds);
        Assert.Equal(session, _store.FindParticipant(participant)!.Subscriptions.SessionId);
        Assert.True(_store.DeleteParticipant(participant));
        Assert.Empty(_store.SessionParticipants(session)!);
        Assert.True(_store.DeleteSession(session));
    }

    private string Join(string session, EmulatedSubscriptions subscriptions)
    {
        var participant = _store.CreateParticipant(["AUDIO"], null, "V3", null).Id;
        Assert.Equal(MembershipResult.Ok, _store.AddToSession(session, participant, subscriptions));
        return participant;
    }
}

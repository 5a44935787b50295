using HelloWorld.Blazor.Conference;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace HelloWorld.Blazor.Tests.Conference;

public sealed class CallRegistryTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-11-24T10:00:00Z"));
    private readonly CallRegistry _registry;

    public CallRegistryTests() => _registry = new CallRegistry(_clock, NullLogger<CallRegistry>.Instance);

    [Fact]
    public void Call_KeepsItsHistoryFromRingingToEnded()
    {
        _registry.Register("c-1", CallDirection.Outbound, "+19195550100", "+19195550123", "p-1");
        _clock.Advance(TimeSpan.FromSeconds(5));
        _registry.MarkAnswered("c-1");
        _registry.MarkTransferred("c-1");
        _clock.Advance(TimeSpan.FromSeconds(60));
        _registry.MarkEnded("c-1", "hangup");

        var call = _registry.Find("c-1")!;
        Assert.Equal([CallState.Ringing, CallState.Answered, CallState.Transferred, CallState.Ended], call.History.Select(e => e.State));
        Assert.Equal(_clock.Start.AddSeconds(5), call.AnsweredAt);
        Assert.Equal(_clock.Start.AddSeconds(65), call.EndedAt);
        Assert.Equal("hangup", call.EndCause);
        Assert.Equal("+19195550123", call.RemoteNumber);
        Assert.False(call.IsActive);
    }

    [Fact]
    public void Register_TheSameCallTwice_KeepsTheFirst()
    {
        var first = _registry.Register("c-1", CallDirection.Inbound, "+19195550123", "+19195550100", "p-1");

        var second = _registry.Register("c-1", CallDirection.Inbound, "+19195550123", "+19195550100", "p-2");

        Assert.Same(first, second);
        Assert.Single(_registry.Calls);
    }

    [Fact]
    public void EndedCall_IsNotRevivedByALateWebhook()
    {
        _registry.Register("c-1", CallDirection.Outbound, "+19195550100", "+19195550123", "p-1");
        _registry.MarkEnded("c-1", "cancel");

        Assert.Null(_registry.MarkAnswered("c-1"));
        Assert.Null(_registry.MarkEnded("c-1", "hangup"));
        Assert.Equal("cancel", _registry.Find("c-1")!.EndCause);
    }

    [Fact]
    public void Register_AfterTheCallsEndWasReported_RegistersItEnded()
    {
        _clock.Advance(TimeSpan.FromSeconds(1));
        Assert.Null(_registry.MarkEnded("c-1", "rejected"));
        _clock.Advance(TimeSpan.FromSeconds(1));

        var call = _registry.Register("c-1", CallDirection.Outbound, "+19195550100", "+19195550123", "p-1");

        Assert.Equal((CallState.Ended, "rejected"), (call.State, call.EndCause));
        Assert.Equal(_clock.Start.AddSeconds(1), call.EndedAt);
        Assert.Equal([CallState.Ringing, CallState.Ended], call.History.Select(e => e.State));
        Assert.Equal(0, _registry.ActiveCount);
    }

    [Fact]
    public void EndedCalls_AreKeptUpToTheLimit_OldestDroppedFirst_AndCallsInProgressNeverDropped()
    {
        const int inProgress = 70;
        for (var i = 0; i < inProgress; i++)
        {
            _registry.Register($"active-{i}", CallDirection.Inbound, "+19195550123", "+19195550100", null);
        }
        for (var i = 0; i < CallRegistry.EndedCallsKept + 5; i++)
        {
            _registry.Register($"c-{i}", CallDirection.Inbound, "+19195550123", "+19195550100", null);
            _clock.Advance(TimeSpan.FromSeconds(1));
            _registry.MarkEnded($"c-{i}", "hangup");
        }

        var ended = _registry.Calls.Where(call => !call.IsActive).Select(call => call.CallId).ToHashSet();
        Assert.Equal(CallRegistry.EndedCallsKept, ended.Count);
        Assert.DoesNotContain("c-4", ended);
        Assert.Contains("c-5", ended);
        Assert.Equal(inProgress, _registry.ActiveCount);
        Assert.Equal(inProgress, _registry.Calls.Count(call => call.IsActive));
    }

    [Fact]
    public void EndedCalls_AreDroppedInTheOrderTheyEnded_NotTheOrderTheyStarted()
    {
        var count = CallRegistry.EndedCallsKept + 3;
        for (var i = 0; i < count; i++)
        {
            _registry.Register($"c-{i}", CallDirection.Inbound, "+19195550123", "+19195550100", null);
        }
        // The one whose end overtook its registration ended first of all.
        _registry.MarkEnded("early", "hangup");
        _clock.Advance(TimeSpan.FromSeconds(1));
        for (var i = count - 1; i >= 0; i--)
        {
            _registry.MarkEnded($"c-{i}", "hangup");
            _clock.Advance(TimeSpan.FromSeconds(1));
        }
        _registry.Register("early", CallDirection.Inbound, "+19195550123", "+19195550100", null);

        var ended = _registry.Calls.Select(call => call.CallId).ToHashSet();
        Assert.Equal(CallRegistry.EndedCallsKept, ended.Count);
        Assert.DoesNotContain("early", ended);
        Assert.DoesNotContain($"c-{count - 1}", ended);
        Assert.DoesNotContain($"c-{count - 2}", ended);
        Assert.DoesNotContain($"c-{count - 3}", ended);
        Assert.Contains($"c-{count - 4}", ended);
        Assert.Contains("c-0", ended);
    }

    [Fact]
    public void EndMarkers_AreBounded_OldestForgottenFirst()
    {
        for (var i = 0; i <= CallRegistry.EndMarkersKept; i++)
        {
            _registry.MarkEnded($"c-{i}", "hangup");
        }

        Assert.True(_registry.Register("c-0", CallDirection.Inbound, "+19195550123", "+19195550100", null).IsActive);
        Assert.False(_registry.Register("c-1", CallDirection.Inbound, "+19195550123", "+19195550100", null).IsActive);
    }

    [Fact]
    public void TryRegister_AtCapacity_RefusesANewCall_ButReturnsAKnownOne()
    {
        _registry.Register("c-1", CallDirection.Inbound, "+19195550123", "+19195550100", null);
        _registry.Register("c-2", CallDirection.Inbound, "+19195550124", "+19195550100", null);

        Assert.Null(_registry.TryRegister("c-3", CallDirection.Inbound, "+19195550125", "+19195550100", null, maxActiveCalls: 2));
        Assert.Equal("c-1", _registry.TryRegister("c-1", CallDirection.Inbound, "+19195550123", "+19195550100", null, maxActiveCalls: 2)?.CallId);
        _registry.MarkEnded("c-1", "hangup");
        Assert.NotNull(_registry.TryRegister("c-3", CallDirection.Inbound, "+19195550125", "+19195550100", null, maxActiveCalls: 2));
        Assert.Equal(2, _registry.ActiveCount);
    }

    [Fact]
    public void Reservation_CountsAgainstTheCap_UntilItsCallIsRegisteredInIt()
    {
        using var reservation = _registry.TryReserve(maxActiveCalls: 2)!;
        _registry.Register("c-1", CallDirection.Inbound, "+19195550123", "+19195550100", null);

        Assert.Null(_registry.TryReserve(maxActiveCalls: 2));
        Assert.Null(_registry.TryRegister("c-2", CallDirection.Inbound, "+19195550124", "+19195550100", null, maxActiveCalls: 2));
        _registry.Register("c-out", CallDirection.Outbound, "+19195550100", "+19195550125", "p-1", reservation);
        reservation.Dispose(); // spent: gives nothing back
        Assert.Null(_registry.TryReserve(maxActiveCalls: 2));
        Assert.Equal(2, _registry.ActiveCount);
    }

    [Fact]
    public void Reservation_Disposed_GivesItsPlaceBack_Once()
    {
        var reservation = _registry.TryReserve(maxActiveCalls: 1)!;

        reservation.Dispose();
        reservation.Dispose();

        Assert.NotNull(_registry.TryReserve(maxActiveCalls: 1));
        Assert.Null(_registry.TryReserve(maxActiveCalls: 1));
    }

    [Fact]
    public void Reservation_ForACallThatEndedBeforeItWasRegistered_IsGivenBack()
    {
        _registry.MarkEnded("c-out", "rejected");
        var reservation = _registry.TryReserve(maxActiveCalls: 1)!;

        Assert.False(_registry.Register("c-out", CallDirection.Outbound, "+19195550100", "+19195550123", "p-1", reservation).IsActive);

        Assert.NotNull(_registry.TryReserve(maxActiveCalls: 1));
    }

    [Fact]
    public void AttachParticipant_RecordsTheParticipantOfACallRegisteredBeforeIt()
    {
        _registry.Register("c-1", CallDirection.Inbound, "+19195550123", "+19195550100", null);

        _registry.AttachParticipant("c-1", "p-7");

        Assert.Equal("c-1", _registry.FindByParticipant("p-7")?.CallId);
    }

    [Fact]
    public void FindByParticipant_FindsTheCallOfAPhoneParticipant()
    {
        _registry.Register("c-1", CallDirection.Inbound, "+19195550123", "+19195550100", "p-7");

        Assert.Equal("c-1", _registry.FindByParticipant("p-7")?.CallId);
        Assert.Null(_registry.FindByParticipant("p-8"));
    }

    [Fact]
    public async Task Subscribers_AreToldOfEveryChange_UntilTheyUnsubscribe()
    {
        var changes = 0;
        var told = new SemaphoreSlim(0);
        var subscription = _registry.Subscribe(() =>
        {
            Interlocked.Increment(ref changes);
            told.Release();
            return Task.CompletedTask;
        });

        _registry.Register("c-1", CallDirection.Inbound, "+19195550123", "+19195550100", "p-1");
        _registry.MarkTransferred("c-1");
        Assert.True(await told.WaitAsync(TimeSpan.FromSeconds(5)));
        Assert.True(await told.WaitAsync(TimeSpan.FromSeconds(5)));
        subscription.Dispose();
        _registry.MarkEnded("c-1", "hangup");

        Assert.False(await told.WaitAsync(TimeSpan.FromMilliseconds(200)));
        Assert.Equal(2, changes);
    }

    [Fact]
    public async Task AFailingSubscriber_DoesNotStopTheOthers()
    {
        var told = new TaskCompletionSource();
        using var failing = _registry.Subscribe(() => throw new InvalidOperationException("page gone"));
        using var healthy = _registry.Subscribe(() =>
        {
            told.TrySetResult();
            return Task.CompletedTask;
        });

        _registry.Register("c-1", CallDirection.Inbound, "+19195550123", "+19195550100", "p-1");

        await told.Task.WaitAsync(TimeSpan.FromSeconds(5));
    }

    [Fact]
    public async Task ManyCallsAtOnce_AreAllKeptApart()
    {
        await Task.WhenAll(Enumerable.Range(0, 200).Select(i => Task.Run(() =>
        {
            var callId = $"c-{i}";
            _registry.Register(callId, CallDirection.Inbound, $"+1919555{i:D4}", "+19195550100", $"p-{i}");
            _registry.MarkTransferred(callId);
            if (i % 2 == 0)
            {
                _registry.MarkEnded(callId, "hangup");
            }
        })));

        Assert.Equal(150, _registry.Calls.Count); // 100 active + the 50 most recent ended
        Assert.Equal(100, _registry.Calls.Count(call => call.IsActive));
        Assert.All(_registry.Calls.Where(call => call.IsActive), call => Assert.Equal(CallState.Transferred, call.State));
    }
}

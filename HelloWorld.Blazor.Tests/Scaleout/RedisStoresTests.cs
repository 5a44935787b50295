using System.Net;
using HelloWorld.Blazor.Bandwidth.WebRtc;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Security;
using HelloWorld.Testing;
using Moq;

namespace HelloWorld.Blazor.Tests.Scaleout;

/// <summary>Two instances' stores on one real Redis: what one instance does, the other sees and counts.</summary>
public sealed class RedisStoresTests(RedisServer server) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private readonly Mock<IWebRtcApi> _webRtc = new();
    private int _sessionsCreated;
    private StoreInstance _a = null!;
    private StoreInstance _b = null!;

    public async Task InitializeAsync()
    {
        await server.FlushAsync();
        _webRtc.Setup(api => api.CreateSessionAsync(It.IsAny<Session>(), It.IsAny<CancellationToken>()))
            .Returns(async () =>
            {
                var n = Interlocked.Increment(ref _sessionsCreated);
                await Task.Delay(100); // long enough for every first caller to be waiting
                return new Session(Id: $"session-{n}", Tag: "hello-world");
            });
        var options = new ParticipantOptions { MaxPerSession = 5, MaxPerClient = 2 };
        _a = new StoreInstance(server, _webRtc.Object, options);
        _b = new StoreInstance(server, _webRtc.Object, options);
        await _a.Instances.StartAsync(CancellationToken.None);
        await _b.Instances.StartAsync(CancellationToken.None);
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task FiftyFirstCallers_OnTwoInstances_CreateOneSession()
    {
        var callers = Enumerable.Range(0, 50).Select(i => (i % 2 == 0 ? _a : _b).Sessions.GetSessionIdAsync().AsTask());

        var ids = await Task.WhenAll(callers);

        Assert.Single(ids.Distinct());
        Assert.Equal(1, _sessionsCreated);
    }

    [Fact]
    public async Task SessionReplaced_OnOneInstance_IsTheSessionOfTheOther()
    {
        var first = await _a.Sessions.GetSessionIdAsync();
        Assert.Equal(first, await _b.Sessions.GetSessionIdAsync());

        var replacement = await _a.Sessions.ReplaceSessionAsync(first);
        var seenByB = await _b.Sessions.ReplaceSessionAsync(first); // B hears of the 404 too, later

        Assert.NotEqual(first, replacement);
        Assert.Equal(replacement, seenByB);
        Assert.Equal(2, _sessionsCreated);
    }

    [Fact]
    public async Task CallChange_OnOneInstance_ReachesTheOthersPageWithinASecond()
    {
        var heard = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        using var subscription = _a.Calls.Subscribe(() =>
        {
            if (_a.Calls.Find("c-1")?.State == CallState.Answered)
            {
                heard.TrySetResult();
            }
            return Task.CompletedTask;
        });

        await _a.Calls.TryRegisterAsync("c-1", CallDirection.Outbound, "+19195550100", "+19195550123", "p-1", maxActiveCalls: 10);
        await _b.Calls.MarkAnsweredAsync("c-1");

        await heard.Task.WaitAsync(TimeSpan.FromSeconds(1));
        Assert.Equal(CallState.Answered, _b.Calls.Find("c-1")!.State);
    }

    [Fact]
    public async Task ActiveCallCap_HoldsAcrossInstances()
    {
        var registrations = Enumerable.Range(0, 10).Select(i =>
            (i % 2 == 0 ? _a : _b).Calls.TryRegisterAsync($"c-{i}", CallDirection.Inbound, "+19195550123", "+19195550100", null, maxActiveCalls: 3));

        var registered = (await Task.WhenAll(registrations)).Count(call => call is not null);
        var reservation = await _a.Calls.TryReserveAsync(maxActiveCalls: 3);

        Assert.Equal(3, registered);
        Assert.Null(reservation);
    }

    [Fact]
    public async Task CallEnded_OnOneInstance_FreesItsPlaceForTheOther()
    {
        await _a.Calls.TryRegisterAsync("c-1", CallDirection.Inbound, "+19195550123", "+19195550100", null, maxActiveCalls: 1);
        Assert.Null(await _b.Calls.TryRegisterAsync("c-2", CallDirection.Inbound, "+19195550124", "+19195550100", null, maxActiveCalls: 1));

        await _b.Calls.MarkEndedAsync("c-1", "hangup");

        Assert.NotNull(await _b.Calls.TryRegisterAsync("c-3", CallDirection.Inbound, "+19195550124", "+19195550100", null, maxActiveCalls: 1));
    }

    [Fact]
    public async Task SessionCeiling_HoldsAcrossInstances()
    {
        var reservations = Enumerable.Range(0, 12).Select(async i =>
        {
            try
            {
                await (i % 2 == 0 ? _a : _b).Ledger.ReserveAsync(client: null);
                return true;
            }
            catch (ParticipantRefusedException)
            {
                return false;
            }
        });

        var admitted = (await Task.WhenAll(reservations)).Count(ok => ok);

        Assert.Equal(5, admitted);
        await Eventually.HoldsAsync(() => _a.Ledger.Current.InUse, inUse => inUse == 5, "instance A to count B's places");
    }

    [Fact]
    public async Task PerClientCeiling_HoldsAcrossInstances()
    {
        var client = ClientAddress.From(IPAddress.Parse("203.0.113.7"));
        await _a.Ledger.ReserveAsync(client);
        await _b.Ledger.ReserveAsync(client);

        var refused = await Assert.ThrowsAsync<ParticipantRefusedException>(() => _a.Ledger.ReserveAsync(client));

        Assert.Equal(ParticipantRefusal.ClientLimit, refused.Reason);
        Assert.Equal(2, _b.Ledger.HeldBy(client));
    }

    [Fact]
    public async Task PlaceFreedByTheOtherInstance_AfterItDeletedTheParticipant_CanBeTakenAgain()
    {
        var place = await _a.Ledger.ReserveAsync(client: null);
        await _a.Ledger.RecordAsync(place, new ParticipantInfo("p-1", ParticipantKind.Phone, DateTimeOffset.UtcNow));
        Assert.Equal("p-1", _b.Ledger.Find("p-1")?.Id);

        await _b.Ledger.ForgetAsync("p-1");

        Assert.Null(_a.Ledger.Find("p-1"));
        Assert.Empty(await _a.Ledger.AllAsync());
        await Eventually.HoldsAsync(() => _a.Ledger.Current.InUse, inUse => inUse == 0, "the place freed on B to be free on A");
    }

    [Fact]
    public async Task PlaceTaken_ByAnInstanceThatDiedBeforeCreatingItsParticipant_IsReclaimedOnce_AndNoOtherPlace()
    {
        var client = ClientAddress.From(IPAddress.Parse("203.0.113.7"));
        await _a.Ledger.ReserveAsync(client); // A dies before creating this one's participant
        var recorded = await _a.Ledger.ReserveAsync(client: null);
        await _a.Ledger.RecordAsync(recorded, new ParticipantInfo("p-1", ParticipantKind.Phone, DateTimeOffset.UtcNow)); // the orphan sweep's
        await _b.Ledger.ReserveAsync(client: null); // B's own join, under way
        Assert.Equal(0, await _b.Ledger.ReclaimAbandonedPlacesAsync()); // A is alive: its join may still finish

        await _a.Instances.LeaveAsync(CancellationToken.None); // as a dead instance: no longer counted alive

        Assert.Equal(1, await _b.Ledger.ReclaimAbandonedPlacesAsync());
        Assert.Equal(0, _b.Ledger.HeldBy(client));
        Assert.Equal("p-1", _b.Ledger.Find("p-1")?.Id);
        await Eventually.HoldsAsync(() => _b.Ledger.Current.InUse, inUse => inUse == 2, "B to count the place freed");
        Assert.Equal(0, await _b.Ledger.ReclaimAbandonedPlacesAsync());
    }

    [Fact]
    public async Task RateLimit_CountsBothInstancesTogether()
    {
        var limitA = _a.RateLimits.PerMinute("placed-calls", overall: 5, perClient: 100);
        var limitB = _b.RateLimits.PerMinute("placed-calls", overall: 5, perClient: 100);
        var client = ClientAddress.From(IPAddress.Parse("203.0.113.8"));

        var decisions = await Task.WhenAll(Enumerable.Range(0, 8).Select(i => (i % 2 == 0 ? limitA : limitB).TryAcquireAsync(client)));

        Assert.Equal(5, decisions.Count(decision => decision.Admitted));
        Assert.All(decisions.Where(decision => !decision.Admitted), decision => Assert.InRange(decision.RetryAfter, TimeSpan.FromSeconds(50), TimeSpan.FromSeconds(60)));
    }

    [Fact]
    public async Task PerClientRate_CountsBothInstancesTogether()
    {
        var limitA = _a.RateLimits.PerMinute("connection-info", overall: 100, perClient: 2);
        var limitB = _b.RateLimits.PerMinute("connection-info", overall: 100, perClient: 2);
        var client = ClientAddress.From(IPAddress.Parse("203.0.113.9"));

        Assert.True((await limitA.TryAcquireAsync(client)).Admitted);
        Assert.True((await limitB.TryAcquireAsync(client)).Admitted);
        var third = await limitA.TryAcquireAsync(client);

        Assert.False(third.Admitted);
        Assert.True(third.RefusedForTheClient);
    }

    [Fact]
    public async Task CallParticipant_WhoseJoinerDiedMidJoin_IsJoinedByTheNextWebhookOnAnotherInstance()
    {
        var joinStarted = new TaskCompletionSource();
        var neverJoins = new TaskCompletionSource<JoinedParticipant>();
        _ = _a.CallParticipants.JoinOnceAsync("c-1", () =>
        {
            joinStarted.SetResult();
            return neverJoins.Task;
        }, CancellationToken.None);
        await joinStarted.Task;
        await _a.Instances.LeaveAsync(CancellationToken.None); // as a dead instance: no longer counted alive
        var participant = new JoinedParticipant("p-2", "token", ParticipantKind.Phone, "s-1");
        using var webhookBudget = new CancellationTokenSource(TimeSpan.FromSeconds(10));

        var joined = await _b.CallParticipants.JoinOnceAsync("c-1", () => Task.FromResult(participant), webhookBudget.Token);

        Assert.Equal(participant, joined);
        Assert.Equal(participant, await _b.CallParticipants.FindAsync("c-1", webhookBudget.Token)); // stored, not only returned
    }

    [Fact]
    public async Task CallParticipant_JoinedOnOneInstance_IsFoundAndTakenOnceFromTheOther()
    {
        var joins = 0;
        var participant = new JoinedParticipant("p-1", "token", ParticipantKind.Phone, "s-1");
        Task<JoinedParticipant> Join()
        {
            Interlocked.Increment(ref joins);
            return Task.FromResult(participant);
        }

        var both = await Task.WhenAll(
            _a.CallParticipants.JoinOnceAsync("c-1", Join, CancellationToken.None),
            _b.CallParticipants.JoinOnceAsync("c-1", Join, CancellationToken.None));

        Assert.Equal(1, joins);
        Assert.All(both, joined => Assert.Equal(participant, joined));
        Assert.Equal(participant, await _b.CallParticipants.FindAsync("c-1", CancellationToken.None));
        var takes = await Task.WhenAll(_a.CallParticipants.TakeAsync("c-1"), _b.CallParticipants.TakeAsync("c-1"));
        Assert.Single(takes, taken => taken is not null);
    }

    [Fact]
    public async Task CallEnded_WhileItsParticipantJoinsOnTheOtherInstance_TellsTheJoinerToDeleteIt()
    {
        var release = new TaskCompletionSource<JoinedParticipant>(TaskCreationOptions.RunContinuationsAsynchronously);
        var joining = _a.CallParticipants.JoinOnceAsync("c-1", () => release.Task, CancellationToken.None);
        await Eventually.HoldsAsync(() => _b.Redis.Database.HashExists("helloworld:calls:participants", "c-1"), exists => exists, "A's claim");

        Assert.Null(await _b.CallParticipants.TakeAsync("c-1"));
        release.SetResult(new JoinedParticipant("p-1", "token", ParticipantKind.Phone, "s-1"));

        var ended = await Assert.ThrowsAsync<CallEndedWhileJoiningException>(() => joining);
        Assert.Equal("p-1", ended.Participant.Id);
    }

    [Fact]
    public async Task LastInstanceOut_IsTheOneThatLeavesWhenNoOtherIsAlive()
    {
        Assert.False(await _a.Instances.LeaveAsync(CancellationToken.None));
        Assert.False(await _b.Instances.IsAliveAsync(_a.Instances.Id));

        Assert.True(await _b.Instances.LeaveAsync(CancellationToken.None));
    }

    [Fact]
    public async Task Lease_RenewedOnOneInstance_DoesNotExpireOnTheOther()
    {
        var now = DateTimeOffset.UtcNow;
        await _a.Leases.AddAsync("digest", "p-1", now + TimeSpan.FromSeconds(10));

        Assert.Equal("p-1", await _b.Leases.RenewAsync("digest", now + TimeSpan.FromSeconds(30)));
        var (expired, endsAt) = await _a.Leases.TakeIfExpiredAsync("digest", now + TimeSpan.FromSeconds(11));

        Assert.Null(expired);
        Assert.Equal((now + TimeSpan.FromSeconds(30)).ToUnixTimeMilliseconds(), endsAt?.ToUnixTimeMilliseconds());
        Assert.Equal("p-1", (await _b.Leases.TakeIfExpiredAsync("digest", now + TimeSpan.FromSeconds(31))).Expired);
        Assert.Null(await _a.Leases.TakeAsync("digest"));
    }
}

using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Scaleout;
using HelloWorld.Testing;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;
using StackExchange.Redis;

namespace HelloWorld.Blazor.Tests.Scaleout;

/// <summary>
/// The calls of two instances on one real Redis, A's replies held back at will (<see cref="HeldReplies"/>): each copy
/// ends with the newest state of every call, whatever order the changes reach it in; ended calls trimmed; what each
/// change costs.
/// </summary>
public sealed class RedisCallStoreTests(RedisServer server) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private readonly HeldReplies _heldA = new();
    private RedisConnection _connectionA = null!;
    private RedisConnection _connectionB = null!;
    private RedisCallStore _a = null!;
    private RedisCallStore _b = null!;

    public async Task InitializeAsync()
    {
        await server.FlushAsync();
        _connectionA = _heldA.Connect(server);
        _connectionB = server.Connect();
        _a = new RedisCallStore(_connectionA, TimeProvider.System, NullLogger<RedisCallStore>.Instance);
        _b = new RedisCallStore(_connectionB, TimeProvider.System, NullLogger<RedisCallStore>.Instance);
    }

    public Task DisposeAsync()
    {
        _a.Dispose();
        _b.Dispose();
        _connectionA.Dispose();
        _connectionB.Dispose();
        return Task.CompletedTask;
    }

    [Fact]
    public async Task ChangeAppliedHereLast_AfterTheOtherInstancesLaterChangeArrived_DoesNotReplaceIt()
    {
        var callId = (await RegisterOnAAsync(1))[0];
        var hold = _heldA.HoldNext(WritesOfAChange);
        var answering = _a.MarkAnsweredAsync(callId);
        await hold.Reached;

        // B's change builds on A's answer, and reaches A's copy before A's own answer does.
        await _b.AttachParticipantAsync(callId, "p-1");
        await Eventually.HoldsAsync(() => _a.Find(callId)?.ParticipantId, id => id == "p-1", "B's change to reach A's copy");
        hold.Release();
        await answering;

        Assert.Equal((CallState.Answered, "p-1"), (_a.Find(callId)?.State, _a.Find(callId)?.ParticipantId));
        Assert.Equal((CallState.Answered, "p-1"), (_b.Find(callId)?.State, _b.Find(callId)?.ParticipantId));
    }

    [Fact]
    public async Task EndAppliedHereLast_AfterTheOtherInstanceDroppedTheEndedCall_DoesNotBringItBack()
    {
        var callIds = await RegisterOnAAsync(CallRegistry.EndedCallsKept + 1);
        var hold = _heldA.HoldNext(WritesOfAChange, skip: 1);
        var ending = _a.MarkEndedAsync(callIds[0], "hangup");
        await hold.Reached;

        // The first call to end is the oldest ended one: B's last end drops it from Redis and from A's copy.
        foreach (var callId in callIds.Skip(1))
        {
            await _b.MarkEndedAsync(callId, "hangup");
        }
        await Eventually.HoldsAsync(() => _a.Calls.Count, count => count == CallRegistry.EndedCallsKept, "A's copy to drop the oldest ended call");
        hold.Release();
        await ending;

        Assert.Null(_a.Find(callIds[0]));
        Assert.Null(await _a.GetAsync(callIds[0]));
    }

    [Fact]
    public async Task ChangesOfOneCall_MadeAtOnceOnTwoInstances_AreBothKept()
    {
        var callIds = await RegisterOnAAsync(20);

        // B's copy is a step behind for most calls: its change must be computed again from A's, not written over it.
        await Task.WhenAll(callIds.SelectMany(id => new[] { _a.MarkAnsweredAsync(id), _b.AttachParticipantAsync(id, "p-" + id) }));

        foreach (var id in callIds)
        {
            var stored = (await _a.GetAsync(id))!;
            Assert.Equal((CallState.Answered, "p-" + id), (stored.State, stored.ParticipantId));
        }
        await Eventually.HoldsAsync(
            () => callIds.Count(id => _a.Find(id) is { State: CallState.Answered } a && a.ParticipantId == "p-" + id
                && _b.Find(id) is { State: CallState.Answered } b && b.ParticipantId == "p-" + id),
            current => current == callIds.Length, "both copies to hold both changes");
    }

    [Fact]
    public async Task EndedCalls_BeyondTheKeptNumber_AreDroppedFromRedisAndBothCopies()
    {
        var callIds = await RegisterOnAAsync(CallRegistry.EndedCallsKept + 3);

        for (var i = 0; i < callIds.Length; i++)
        {
            await (i % 2 == 0 ? _a : _b).MarkEndedAsync(callIds[i], "hangup");
        }

        Assert.Equal(CallRegistry.EndedCallsKept, await _connectionA.Database.HashLengthAsync("helloworld:calls"));
        Assert.Equal(0, await _connectionA.Database.SortedSetLengthAsync("helloworld:calls:places"));
        await Eventually.HoldsAsync(() => (_a.Calls.Count, _b.Calls.Count),
            counts => counts == (CallRegistry.EndedCallsKept, CallRegistry.EndedCallsKept), "both copies to drop the oldest ended calls");
        Assert.Null(_b.Find(callIds[0]));
    }

    [Fact]
    public async Task CallChange_OfACallBothInstancesHold_ReadsTheCallOnceAndReachesTheOtherInItsMessage()
    {
        var callId = (await RegisterOnAAsync(1))[0];
        var readsBefore = await HashReadsAsync();

        await _a.MarkAnsweredAsync(callId);
        await Eventually.HoldsAsync(() => _b.Find(callId)?.State, state => state == CallState.Answered, "B's copy to hear of the answer");

        // The one read is the change script's own check; neither A before it nor B after it asks Redis for the call.
        Assert.Equal(1, await HashReadsAsync() - readsBefore);
    }

    [Fact]
    public async Task CallEndedByAClockBehindEveryKeptEnd_IsDroppedAtOnceFromRedisAndEveryCopy()
    {
        var callIds = await RegisterOnAAsync(CallRegistry.EndedCallsKept + 1);
        foreach (var callId in callIds.Skip(1))
        {
            await _b.MarkEndedAsync(callId, "hangup");
        }
        using var connection = server.Connect();
        using var behind = new RedisCallStore(connection, new FakeTimeProvider(DateTimeOffset.UtcNow.AddHours(-1)), NullLogger<RedisCallStore>.Instance);

        // Its end is the oldest: the change that ends it drops it, in one version.
        await behind.MarkEndedAsync(callIds[0], "hangup");

        Assert.Null(await behind.GetAsync(callIds[0]));
        Assert.Null(behind.Find(callIds[0]));
        await Eventually.HoldsAsync(() => (_a.Find(callIds[0]), _b.Find(callIds[0])), held => held == (null, null), "A's and B's copies to drop it");
    }

    [Fact]
    public async Task CallRegisteredAfterItsEnd_CountsAmongTheEndedCallsKept()
    {
        var callIds = await RegisterOnAAsync(CallRegistry.EndedCallsKept);
        foreach (var callId in callIds)
        {
            await _a.MarkEndedAsync(callId, "hangup");
        }

        await _b.MarkEndedAsync("late", "hangup");
        var late = await _b.TryRegisterAsync("late", CallDirection.Inbound, "+19195550123", "+19195550100", null, maxActiveCalls: 1000);

        Assert.Equal(CallState.Ended, late?.State);
        Assert.Equal(CallRegistry.EndedCallsKept, await _connectionA.Database.HashLengthAsync("helloworld:calls"));
        await Eventually.HoldsAsync(() => (_a.Find(callIds[0]), _a.Find("late")?.State), held => held == (null, CallState.Ended),
            "A's copy to hold the late call and drop the oldest ended one");
    }

    [Fact]
    public async Task CallStoredWithoutAVersion_ByAReleaseBeforeVersions_IsReadAtStartAndChanged()
    {
        var callId = (await RegisterOnAAsync(1))[0];
        var stored = (string)(await _connectionB.Database.HashGetAsync("helloworld:calls", callId))!;
        await _connectionB.Database.HashSetAsync("helloworld:calls", callId, stored[(stored.IndexOf(':', StringComparison.Ordinal) + 1)..]);
        using var connection = server.Connect();
        using var started = new RedisCallStore(connection, TimeProvider.System, NullLogger<RedisCallStore>.Instance);

        Assert.Equal(CallState.Ringing, started.Find(callId)?.State);
        Assert.Equal(CallState.Answered, (await started.MarkAnsweredAsync(callId))?.State);
        Assert.Equal(CallState.Answered, (await _b.GetAsync(callId))?.State);
    }

    // What carries a call's change to Redis: a transaction or a script (MarkEnded's first script only asks whether the
    // call is registered; its change is the second).
    private static readonly string[] WritesOfAChange = ["ExecuteAsync", "ScriptEvaluateAsync"];

    private async Task<string[]> RegisterOnAAsync(int count)
    {
        var callIds = Enumerable.Range(0, count).Select(i => $"c-{i}").ToArray();
        foreach (var id in callIds)
        {
            await _a.TryRegisterAsync(id, CallDirection.Inbound, "+19195550123", "+19195550100", null, maxActiveCalls: 1000);
        }
        await Eventually.HoldsAsync(() => callIds.Count(id => _b.Find(id) is not null), held => held == count, "B to hold every call");
        return callIds;
    }

    private async Task<long> HashReadsAsync()
    {
        await using var admin = await ConnectionMultiplexer.ConnectAsync(server.ConnectionString + ",allowAdmin=true");
        var stats = await admin.GetServer(admin.GetEndPoints()[0]).InfoAsync("commandstats");
        var hget = stats.SelectMany(group => group).FirstOrDefault(stat => stat.Key == "cmdstat_hget").Value ?? "calls=0,";
        return long.Parse(hget["calls=".Length..hget.IndexOf(',', StringComparison.Ordinal)], System.Globalization.CultureInfo.InvariantCulture);
    }
}

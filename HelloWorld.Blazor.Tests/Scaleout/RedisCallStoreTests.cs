using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Scaleout;
using HelloWorld.Testing;
using Microsoft.Extensions.Logging.Abstractions;

namespace HelloWorld.Blazor.Tests.Scaleout;

/// <summary>
/// The calls of two instances on one real Redis, A's replies held back at will (<see cref="HeldReplies"/>): each copy
/// ends with the newest state of every call, whatever order the changes reach it in.
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
}

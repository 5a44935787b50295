using HelloWorld.Blazor.Bandwidth.WebRtc;
using HelloWorld.Blazor.Conference;
using HelloWorld.Testing;
using Moq;
using StackExchange.Redis;

namespace HelloWorld.Blazor.Tests.Scaleout;

/// <summary>The calls of two instances on one real Redis: changes that race, ended calls trimmed, what each change costs.</summary>
public sealed class RedisCallStoreTests(RedisServer server) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private StoreInstance _a = null!;
    private StoreInstance _b = null!;

    public async Task InitializeAsync()
    {
        await server.FlushAsync();
        _a = new StoreInstance(server, Mock.Of<IWebRtcApi>());
        _b = new StoreInstance(server, Mock.Of<IWebRtcApi>());
    }

    public async Task DisposeAsync()
    {
        await _a.DisposeAsync();
        await _b.DisposeAsync();
    }

    [Fact]
    public async Task ChangesOfOneCall_MadeAtOnceOnTwoInstances_AreBothKept()
    {
        var callIds = await RegisterOnAAsync(20);

        // B's copy is a step behind for most calls: its change must be computed again from A's, not written over it.
        await Task.WhenAll(callIds.SelectMany(id => new[] { _a.Calls.MarkAnsweredAsync(id), _b.Calls.AttachParticipantAsync(id, "p-" + id) }));

        foreach (var id in callIds)
        {
            var stored = (await _a.Calls.GetAsync(id))!;
            Assert.Equal((CallState.Answered, "p-" + id), (stored.State, stored.ParticipantId));
        }
        await Eventually.HoldsAsync(
            () => callIds.Count(id => _a.Calls.Find(id) is { State: CallState.Answered } a && a.ParticipantId == "p-" + id
                && _b.Calls.Find(id) is { State: CallState.Answered } b && b.ParticipantId == "p-" + id),
            current => current == callIds.Length, "both copies to hold both changes");
    }

    [Fact]
    public async Task EndedCalls_BeyondTheKeptNumber_AreDroppedFromRedisAndBothCopies()
    {
        var callIds = await RegisterOnAAsync(CallRegistry.EndedCallsKept + 3);

        for (var i = 0; i < callIds.Length; i++)
        {
            await (i % 2 == 0 ? _a : _b).Calls.MarkEndedAsync(callIds[i], "hangup");
        }

        Assert.Equal(CallRegistry.EndedCallsKept, await _a.Redis.Database.HashLengthAsync("helloworld:calls"));
        Assert.Equal(0, await _a.Redis.Database.SortedSetLengthAsync("helloworld:calls:places"));
        await Eventually.HoldsAsync(() => (_a.Calls.Calls.Count, _b.Calls.Calls.Count),
            counts => counts == (CallRegistry.EndedCallsKept, CallRegistry.EndedCallsKept), "both copies to drop the oldest ended calls");
        Assert.Null(_b.Calls.Find(callIds[0]));
    }

    [Fact]
    public async Task CallChange_OfACallBothInstancesHold_ReadsTheCallOnceAndReachesTheOtherInItsMessage()
    {
        var callId = (await RegisterOnAAsync(1))[0];
        var readsBefore = await HashReadsAsync();

        await _a.Calls.MarkAnsweredAsync(callId);
        await Eventually.HoldsAsync(() => _b.Calls.Find(callId)?.State, state => state == CallState.Answered, "B's copy to hear of the answer");

        // The one read is the change script's own check; neither A before it nor B after it asks Redis for the call.
        Assert.Equal(1, await HashReadsAsync() - readsBefore);
    }

    private async Task<string[]> RegisterOnAAsync(int count)
    {
        var callIds = Enumerable.Range(0, count).Select(i => $"c-{i}").ToArray();
        foreach (var id in callIds)
        {
            await _a.Calls.TryRegisterAsync(id, CallDirection.Inbound, "+19195550123", "+19195550100", null, maxActiveCalls: 1000);
        }
        await Eventually.HoldsAsync(() => callIds.Count(id => _b.Calls.Find(id) is not null), held => held == count, "B to hold every call");
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

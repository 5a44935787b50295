using HelloWorld.Blazor.Bandwidth.WebRtc;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Scaleout;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Tests.Scaleout;

/// <summary>The Redis stores of one app instance, on a connection of its own, as AddScaleout registers them.</summary>
public sealed class StoreInstance : IAsyncDisposable
{
    public StoreInstance(RedisServer server, IWebRtcApi webRtc, ParticipantOptions? participants = null)
    {
        Redis = server.Connect();
        Instances = new RedisAppInstances(Redis, TimeProvider.System, NullLogger<RedisAppInstances>.Instance);
        Sessions = new RedisSessionTracker(Redis, webRtc, NullLogger<RedisSessionTracker>.Instance);
        Calls = new RedisCallStore(Redis, TimeProvider.System, NullLogger<RedisCallStore>.Instance);
        CallParticipants = new RedisCallParticipants(Redis, Instances, TimeProvider.System);
        Ledger = new RedisParticipantLedger(Redis, Instances, Calls, TimeProvider.System,
            Options.Create(participants ?? new ParticipantOptions()), NullLogger<RedisParticipantLedger>.Instance);
        RateLimits = new RedisRateLimits(Redis, TimeProvider.System);
        Leases = new RedisLeaseStore(Redis);
    }

    public RedisConnection Redis { get; }

    public RedisAppInstances Instances { get; }

    public RedisSessionTracker Sessions { get; }

    public RedisCallStore Calls { get; }

    public RedisCallParticipants CallParticipants { get; }

    public RedisParticipantLedger Ledger { get; }

    public RedisRateLimits RateLimits { get; }

    public RedisLeaseStore Leases { get; }

    public async ValueTask DisposeAsync()
    {
        await Instances.StopAsync(CancellationToken.None);
        Instances.Dispose();
        Calls.Dispose();
        Ledger.Dispose();
        Redis.Dispose();
    }
}

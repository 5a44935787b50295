using HelloWorld.Blazor.Conference;
using StackExchange.Redis;

namespace HelloWorld.Blazor.Scaleout;

/// <summary>
/// The instances serving the conference: a sorted set of instance ids scored by when their heartbeat runs out. An
/// instance that dies without shutting down drops out once its heartbeat is <see cref="Lifetime"/> old.
/// </summary>
public sealed partial class RedisAppInstances(RedisConnection redis, TimeProvider timeProvider, ILogger<RedisAppInstances> logger)
    : BackgroundService, IAppInstances
{
    public static readonly TimeSpan Beat = TimeSpan.FromSeconds(5);

    public static readonly TimeSpan Lifetime = TimeSpan.FromSeconds(20);

    private static readonly RedisKey Instances = RedisConnection.Key("instances");

    // Leaves atomically and answers whether anyone is left: of two instances leaving at once, exactly one is last.
    private const string LeaveScript = """
        redis.call('ZREM', KEYS[1], ARGV[1])
        redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', ARGV[2])
        return redis.call('ZCARD', KEYS[1])
        """;

    private bool _left;

    public string Id { get; } = $"{Environment.MachineName}-{Environment.ProcessId}-{Guid.NewGuid().ToString("N")[..8]}";

    public async Task<bool> IsAliveAsync(string instanceId) =>
        instanceId == Id || await redis.Database.SortedSetScoreAsync(Instances, instanceId).ConfigureAwait(false) is { } until && until > Now();

    /// <summary>The instances alive now, this one included while it serves.</summary>
    public async Task<long> CountAliveAsync() =>
        await redis.Database.SortedSetLengthAsync(Instances, Now(), double.PositiveInfinity).ConfigureAwait(false);

    public async Task<bool> LeaveAsync(CancellationToken cancellationToken)
    {
        _left = true;
        var others = (long)await redis.Database.ScriptEvaluateAsync(LeaveScript, [Instances], [Id, Now()]).ConfigureAwait(false);
        return others == 0;
    }

    public override async Task StartAsync(CancellationToken cancellationToken)
    {
        // Present before the first request: the first instance's shutdown must see a second one that has just started.
        await HeartbeatAsync().ConfigureAwait(false);
        await base.StartAsync(cancellationToken).ConfigureAwait(false);
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(Beat, timeProvider);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken).ConfigureAwait(false))
            {
                try
                {
                    await HeartbeatAsync().ConfigureAwait(false);
                }
                catch (RedisException exception)
                {
                    Log.HeartbeatFailed(logger, exception.Message);
                }
            }
        }
        catch (OperationCanceledException)
        {
            // Stopping: the shutdown's LeaveAsync takes this instance out.
        }
    }

    private async Task HeartbeatAsync()
    {
        if (!_left)
        {
            await redis.Database.SortedSetAddAsync(Instances, Id, Now() + Lifetime.TotalMilliseconds).ConfigureAwait(false);
        }
    }

    private double Now() => timeProvider.GetUtcNow().ToUnixTimeMilliseconds();

    private static partial class Log
    {
        [LoggerMessage(EventId = 6001, Level = LogLevel.Warning, Message = "Could not renew this instance's heartbeat in Redis ({Reason})")]
        public static partial void HeartbeatFailed(ILogger logger, string reason);
    }
}

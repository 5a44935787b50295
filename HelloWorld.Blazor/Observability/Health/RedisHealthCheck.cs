using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace HelloWorld.Blazor.Observability.Health;

/// <summary>
/// Whether Redis answers a PING within <see cref="BandwidthApiProbe.Timeout"/>. Registered only when
/// <c>ConnectionStrings:redis</c> is set; it asks through the app's own <see cref="IConnectionMultiplexer"/> when the app
/// has one (the connection its stores use is the one that matters), else through a connection of its own.
/// </summary>
public sealed class RedisHealthCheck(IServiceProvider services, string connectionString) : IHealthCheck, IAsyncDisposable
{
    public const string ConnectionStringName = "redis";
    public const string CheckName = "redis";

    private readonly SemaphoreSlim _connecting = new(1, 1);
    private ConnectionMultiplexer? _own;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(BandwidthApiProbe.Timeout);
        try
        {
            var redis = services.GetService<IConnectionMultiplexer>() ?? await OwnConnectionAsync(deadline.Token).ConfigureAwait(false);
            var latency = await redis.GetDatabase().PingAsync().WaitAsync(deadline.Token).ConfigureAwait(false);
            return HealthCheckResult.Healthy($"answered PING in {latency.TotalMilliseconds:0} ms");
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return HealthCheckResult.Unhealthy($"no answer to PING within {BandwidthApiProbe.Timeout.TotalSeconds:0} s");
        }
        catch (RedisException exception)
        {
            // The kind of failure only: the connection string, which may hold a password, is never repeated.
            return HealthCheckResult.Unhealthy($"PING failed ({exception.GetType().Name})");
        }
    }

    private async Task<IConnectionMultiplexer> OwnConnectionAsync(CancellationToken cancellationToken)
    {
        await _connecting.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (_own is null)
            {
                var options = ConfigurationOptions.Parse(connectionString);
                // Connected once and kept: it reconnects by itself, and a probe only asks whether it is connected now.
                options.AbortOnConnectFail = false;
                options.ConnectTimeout = (int)BandwidthApiProbe.Timeout.TotalMilliseconds;
                _own = await ConnectionMultiplexer.ConnectAsync(options).ConfigureAwait(false);
            }
            return _own;
        }
        finally
        {
            _connecting.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_own is not null)
        {
            await _own.DisposeAsync().ConfigureAwait(false);
        }
        _connecting.Dispose();
    }
}

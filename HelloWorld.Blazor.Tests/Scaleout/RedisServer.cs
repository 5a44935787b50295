using HelloWorld.Blazor.Scaleout;
using HelloWorld.Testing;
using StackExchange.Redis;

namespace HelloWorld.Blazor.Tests.Scaleout;

/// <summary>
/// A real redis-server (Debian's package, which <c>.ci/run</c> installs) on a free loopback port, nothing persisted,
/// stopped at dispose. Each test class gets its own; <see cref="FlushAsync"/> empties it between tests.
/// </summary>
public sealed class RedisServer : IAsyncLifetime
{
    private RedisServerProcess? _process;

    public int Port => _process?.Port ?? throw new InvalidOperationException("The server is not started.");

    /// <summary>Set before <see cref="InitializeAsync"/>: the server then requires it (<c>--requirepass</c>).</summary>
    public string? Password { get; init; }

    public string ConnectionString => Password is null ? $"127.0.0.1:{Port}" : $"127.0.0.1:{Port},password={Password}";

    public async Task InitializeAsync() => _process = await RedisServerProcess.StartAsync(Password);

    /// <summary>A connection of its own, as a separate app instance would have.</summary>
    public RedisConnection Connect() => RedisConnection.Connect(ConnectionString);

    public async Task FlushAsync()
    {
        using var admin = await ConnectionMultiplexer.ConnectAsync(ConnectionString + ",allowAdmin=true");
        await admin.GetServer(admin.GetEndPoints()[0]).FlushAllDatabasesAsync();
    }

    public async Task DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }
}

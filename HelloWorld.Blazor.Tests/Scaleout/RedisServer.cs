using System.Diagnostics;
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
    private Process? _process;

    public int Port { get; private set; }

    /// <summary>Set before <see cref="InitializeAsync"/>: the server then requires it (<c>--requirepass</c>).</summary>
    public string? Password { get; init; }

    public string ConnectionString => Password is null ? $"127.0.0.1:{Port}" : $"127.0.0.1:{Port},password={Password}";

    public async Task InitializeAsync()
    {
        var executable = Environment.GetEnvironmentVariable("HELLOWORLD_REDIS_SERVER") ?? "/usr/bin/redis-server";
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"{executable} is missing: install Debian's redis-server (apt-get install -y redis-server), as .ci/run does.");
        }
        Port = LoopbackPorts.Free();
        var start = new ProcessStartInfo(executable)
        {
            ArgumentList = { "--port", Port.ToString(System.Globalization.CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (Password is not null)
        {
            start.ArgumentList.Add("--requirepass");
            start.ArgumentList.Add(Password);
        }
        _process = Process.Start(start)!;
        _process.OutputDataReceived += (_, _) => { };
        _process.BeginOutputReadLine();
        _process.BeginErrorReadLine();
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        while (true)
        {
            try
            {
                using var probe = await ConnectionMultiplexer.ConnectAsync(ConnectionString);
                return;
            }
            catch (RedisConnectionException) when (DateTime.UtcNow < deadline && !_process.HasExited)
            {
                await Task.Delay(50);
            }
        }
    }

    /// <summary>A connection of its own, as a separate app instance would have.</summary>
    public RedisConnection Connect() => RedisConnection.Connect(ConnectionString);

    public async Task FlushAsync()
    {
        using var admin = await ConnectionMultiplexer.ConnectAsync(ConnectionString + ",allowAdmin=true");
        await admin.GetServer(admin.GetEndPoints()[0]).FlushAllDatabasesAsync();
    }

    public async Task DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process?.Dispose();
    }
}

using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Bench;
using HelloWorld.Testing;

namespace LoadTest;

/// <summary>
/// The redis-server the app's instances share when there are several (<c>--instances</c>): the tests' own
/// (<see cref="RedisServerProcess"/>), and what the load test reads of it.
/// </summary>
internal sealed class RedisServer(RedisServerProcess process) : IAsyncDisposable
{
    public int Port => process.Port;

    public int Id => process.ProcessId;

    /// <summary>The app's <c>ConnectionStrings:redis</c>.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public ResidentMemory Memory => ResidentMemory.Of(Id);

    public static async Task<RedisServer> StartAsync() => new(await RedisServerProcess.StartAsync());

    public ValueTask DisposeAsync() => process.DisposeAsync();

    /// <summary>
    /// Commands it has processed since it started (<c>INFO stats</c>' <c>total_commands_processed</c>, this INFO apart):
    /// read before and after the app's blocks, the Redis round trips a dial-in costs the instances.
    /// </summary>
    public async Task<long> CommandsProcessedAsync()
    {
        using var client = new TcpClient();
        await client.ConnectAsync(IPAddress.Loopback, Port);
        using var reader = new StreamReader(client.GetStream(), Encoding.ASCII);
        await client.GetStream().WriteAsync("INFO stats\r\n"u8.ToArray());
        // A bulk string: "$LENGTH", then "name:value" lines.
        for (var line = await reader.ReadLineAsync(); line is not null; line = await reader.ReadLineAsync())
        {
            if (line.StartsWith("total_commands_processed:", StringComparison.Ordinal))
            {
                return long.Parse(line.AsSpan("total_commands_processed:".Length), CultureInfo.InvariantCulture) - 1;
            }
        }
        throw new InvalidOperationException("redis-server's INFO stats held no total_commands_processed.");
    }
}

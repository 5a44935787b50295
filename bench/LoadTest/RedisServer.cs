using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Bench;

namespace LoadTest;

/// <summary>
/// The redis-server the app's instances share when there are several (<c>--instances</c>): Debian's package, as the
/// tests' own (HelloWorld.Blazor.Tests/Scaleout/RedisServer.cs, which is tied to xunit and the app's connection type, so
/// not shared), on a free loopback port, nothing persisted, stopped at dispose.
/// </summary>
internal sealed class RedisServer : IAsyncDisposable
{
    private readonly Process _process;

    private RedisServer(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public int Id => _process.Id;

    /// <summary>The app's <c>ConnectionStrings:redis</c>.</summary>
    public string ConnectionString => $"127.0.0.1:{Port}";

    public ResidentMemory Memory => ResidentMemory.Of(_process.Id);

    public static async Task<RedisServer> StartAsync()
    {
        var executable = Environment.GetEnvironmentVariable("HELLOWORLD_REDIS_SERVER") ?? "/usr/bin/redis-server";
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"{executable} is missing: install Debian's redis-server (apt-get install -y redis-server), as .ci/run does.");
        }
        var port = ServerProcess.FreePort();
        var start = new ProcessStartInfo(executable)
        {
            ArgumentList = { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        var output = new StringBuilder();
        process.OutputDataReceived += (_, line) => { lock (output) { output.AppendLine(line.Data); } };
        process.ErrorDataReceived += (_, line) => { lock (output) { output.AppendLine(line.Data); } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var server = new RedisServer(process, port);
        var clock = Stopwatch.StartNew();
        while (!process.HasExited && clock.Elapsed < TimeSpan.FromSeconds(10))
        {
            if (await server.AnswersPingAsync())
            {
                return server;
            }
            await Task.Delay(50);
        }
        var exited = process.HasExited ? $"exited with code {process.ExitCode}" : $"did not answer PING on port {port} within 10 s";
        await server.DisposeAsync();
        lock (output)
        {
            throw new InvalidOperationException($"{executable} {exited}:\n{output}");
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

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

    /// <summary>Ready once it answers PING in RESP (<c>+PONG</c>): it loads nothing, so that is at once.</summary>
    private async Task<bool> AnswersPingAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var answer = new byte[7];
            var read = await stream.ReadAtLeastAsync(answer, answer.Length, throwOnEndOfStream: false);
            return Encoding.ASCII.GetString(answer, 0, read) == "+PONG\r\n";
        }
        catch (SocketException)
        {
            return false;
        }
        catch (IOException)
        {
            return false;
        }
    }
}

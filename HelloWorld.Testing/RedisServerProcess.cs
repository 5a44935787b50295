using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace HelloWorld.Testing;

/// <summary>
/// A real redis-server for the tests and the load test: Debian's package (or <c>HELLOWORLD_REDIS_SERVER</c>), which
/// <c>.ci/run</c> installs, on a free loopback port, nothing persisted, killed at dispose.
/// </summary>
public sealed class RedisServerProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(10);

    private readonly Process _process;
    private readonly StringBuilder _output = new();

    private RedisServerProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    public int ProcessId => _process.Id;

    /// <summary>Started, and answering on its port: with nothing to load, listening is being ready.</summary>
    /// <param name="password">When set, the server requires it (<c>--requirepass</c>).</param>
    public static async Task<RedisServerProcess> StartAsync(string? password = null)
    {
        var executable = Environment.GetEnvironmentVariable("HELLOWORLD_REDIS_SERVER") ?? "/usr/bin/redis-server";
        if (!File.Exists(executable))
        {
            throw new InvalidOperationException($"{executable} is missing: install Debian's redis-server (apt-get install -y redis-server), as .ci/run does.");
        }
        var port = LoopbackPorts.Free();
        var start = new ProcessStartInfo(executable)
        {
            ArgumentList = { "--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no" },
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        if (password is not null)
        {
            start.ArgumentList.Add("--requirepass");
            start.ArgumentList.Add(password);
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start {executable}.");
        var server = new RedisServerProcess(process, port);
        process.OutputDataReceived += (_, line) => server.Note(line.Data);
        process.ErrorDataReceived += (_, line) => server.Note(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        var clock = Stopwatch.StartNew();
        while (!process.HasExited && clock.Elapsed < StartTimeout)
        {
            if (await server.AnswersAsync())
            {
                return server;
            }
            await Task.Delay(50);
        }
        var failure = process.HasExited
            ? $"exited with code {process.ExitCode}"
            : $"did not answer on port {port} within {StartTimeout.TotalSeconds:0} s";
        await server.DisposeAsync();
        lock (server._output)
        {
            throw new InvalidOperationException($"{executable} {failure}:\n{server._output}");
        }
    }

    public ValueTask DisposeAsync() => _process.KillTreeAndDisposeAsync();

    private void Note(string? line)
    {
        lock (_output)
        {
            _output.AppendLine(line);
        }
    }

    /// <summary>A PING answered in RESP: <c>+PONG</c>, or <c>-NOAUTH</c> from a server that requires a password.</summary>
    private async Task<bool> AnswersAsync()
    {
        try
        {
            using var client = new TcpClient();
            await client.ConnectAsync(IPAddress.Loopback, Port);
            var stream = client.GetStream();
            await stream.WriteAsync("PING\r\n"u8.ToArray());
            var answer = new byte[7];
            var read = await stream.ReadAtLeastAsync(answer, answer.Length, throwOnEndOfStream: false);
            var text = Encoding.ASCII.GetString(answer, 0, read);
            return text == "+PONG\r\n" || text.StartsWith("-NOAUTH", StringComparison.Ordinal);
        }
        catch (Exception exception) when (exception is SocketException or IOException)
        {
            return false;
        }
    }
}

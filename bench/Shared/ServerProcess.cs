using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Bench;

/// <summary>
/// A published ASP.NET Core app run as <c>dotnet NAME.dll [ARGUMENTS] --urls http://127.0.0.1:PORT</c> in its own process, measured
/// from outside. Ready once its port accepts connections, so no request of the tool's own touches it before the measurements.
/// </summary>
internal sealed class ServerProcess : IAsyncDisposable
{
    private const int OutputLinesKept = 40;

    private readonly Process _process;
    private readonly Queue<string> _output;

    private ServerProcess(string name, Process process, Queue<string> output, string baseUrl)
    {
        Name = name;
        _process = process;
        _output = output;
        BaseUrl = baseUrl;
        ListeningSince = Stopwatch.GetTimestamp();
    }

    public string Name { get; }

    public string BaseUrl { get; }

    public Uri BaseUri => new(BaseUrl);

    /// <summary>When its port first accepted a connection (a <see cref="Stopwatch"/> timestamp).</summary>
    public long ListeningSince { get; }

    public ResidentMemory Memory => ResidentMemory.Of(_process.Id);

    public int Id => _process.Id;

    public static async Task<ServerProcess> StartAsync(
        string name, string directory, string assembly, IEnumerable<KeyValuePair<string, string>> environment, IEnumerable<string>? arguments = null)
    {
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo("dotnet", [Path.Combine(directory, assembly), .. arguments ?? [], "--urls", baseUrl])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = directory,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        foreach (var (key, value) in environment)
        {
            start.Environment[key] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException($"Could not start the {name}.");
        // Only the last lines are kept (to explain a failed start); the rest is read and dropped so the pipe never blocks the app.
        var output = new Queue<string>();
        void Keep(DataReceivedEventArgs line)
        {
            if (line.Data is null)
            {
                return;
            }
            lock (output)
            {
                output.Enqueue(line.Data);
                if (output.Count > OutputLinesKept)
                {
                    output.Dequeue();
                }
            }
        }
        process.OutputDataReceived += (_, line) => Keep(line);
        process.ErrorDataReceived += (_, line) => Keep(line);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        var deadline = Stopwatch.StartNew();
        while (deadline.Elapsed < TimeSpan.FromSeconds(60))
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"The {name} stopped at start:\n{string.Join('\n', Snapshot(output))}");
            }
            try
            {
                using var probe = new TcpClient();
                await probe.ConnectAsync(IPAddress.Loopback, port);
                return new ServerProcess(name, process, output, baseUrl);
            }
            catch (SocketException)
            {
                await Task.Delay(50);
            }
        }
        process.Kill(entireProcessTree: true);
        throw new TimeoutException($"The {name} did not listen within 60 s:\n{string.Join('\n', Snapshot(output))}");
    }

    /// <summary>The process's last lines of output, to explain a failure.</summary>
    public IReadOnlyList<string> LastOutput => Snapshot(_output);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }
        _process.Dispose();
    }

    private static string[] Snapshot(Queue<string> output)
    {
        lock (output)
        {
            return [.. output];
        }
    }

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

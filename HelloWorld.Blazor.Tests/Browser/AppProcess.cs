using System.Diagnostics;
using System.Runtime.InteropServices;
using HelloWorld.Testing;

namespace HelloWorld.Blazor.Tests.Browser;

/// <summary>
/// The app as <c>dotnet run</c> starts it (Development, emulator mode, its own appsettings.json), in a process of its
/// own on <c>http://localhost:{port}</c>, its console captured line by line: for what only a real process shows, such as
/// its start-up lines and how it stops on SIGTERM.
/// </summary>
public sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly List<string> _output = [];

    private AppProcess(Process process, int port)
    {
        _process = process;
        Port = port;
    }

    public int Port { get; }

    /// <summary>Where a browser opens the page: loopback by address, a secure origin for the microphone.</summary>
    public string BaseUrl => $"http://127.0.0.1:{Port}";

    public bool HasExited => _process.HasExited;

    public IReadOnlyList<string> Output
    {
        get
        {
            lock (_output)
            {
                return [.. _output];
            }
        }
    }

    /// <summary>The app built beside the tests (the test project references it), started from its own output files.</summary>
    public static async Task<AppProcess> StartAsync()
    {
        var port = LoopbackPorts.Free();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "HelloWorld.Blazor.dll"), "--urls", $"http://localhost:{port}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = AppContext.BaseDirectory,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Development";
        start.Environment["DOTNET_SYSTEM_CONSOLE_ALLOW_ANSI_COLOR_REDIRECTION"] = "false";
        var app = new AppProcess(Process.Start(start) ?? throw new InvalidOperationException("Could not start the app."), port);
        app._process.OutputDataReceived += (_, line) => app.Add(line.Data);
        app._process.ErrorDataReceived += (_, line) => app.Add(line.Data);
        app._process.BeginOutputReadLine();
        app._process.BeginErrorReadLine();

        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddSeconds(60);
        while (DateTime.UtcNow < deadline)
        {
            if (app._process.HasExited)
            {
                throw new InvalidOperationException("The app stopped at start:\n" + string.Join('\n', app.Output.TakeLast(30)));
            }
            try
            {
                if ((await http.GetAsync($"{app.BaseUrl}/emulator/control/phones")).IsSuccessStatusCode)
                {
                    return app;
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(200);
        }
        await app.DisposeAsync();
        throw new TimeoutException("The app did not start listening within 60 s.");
    }

    /// <summary>Sends SIGTERM, as a service manager or a container runtime stops a process, and times the exit.</summary>
    public async Task<TimeSpan> TerminateAsync(TimeSpan patience)
    {
        var watch = Stopwatch.StartNew();
        if (kill(_process.Id, SigTerm) != 0)
        {
            throw new InvalidOperationException($"kill(SIGTERM) failed: errno {Marshal.GetLastPInvokeError()}");
        }
        using var timeout = new CancellationTokenSource(patience);
        try
        {
            await _process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            // Measured below: the caller asserts on the time, and disposal kills what is left.
        }
        return watch.Elapsed;
    }

    public ValueTask DisposeAsync() => _process.KillTreeAndDisposeAsync();

    private void Add(string? line)
    {
        if (line is not null)
        {
            lock (_output)
            {
                _output.Add(line);
            }
        }
    }


    private const int SigTerm = 15;

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int signal);
}

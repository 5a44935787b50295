using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace LoadTest;

/// <summary>
/// The app as <c>dotnet run</c> starts it, in emulator mode, on a free loopback port, in its own process: the load tool
/// measures it from outside, as Bandwidth would.
/// </summary>
internal sealed class AppProcess : IAsyncDisposable
{
    private readonly Process _process;

    private AppProcess(Process process, string baseUrl)
    {
        _process = process;
        BaseUrl = baseUrl;
    }

    public string BaseUrl { get; }

    public static async Task<AppProcess> StartAsync(string repository, EmulatedAccount account)
    {
        var port = FreePort();
        var baseUrl = $"http://127.0.0.1:{port}";
        var start = new ProcessStartInfo("dotnet", ["run", "--project", Path.Combine(repository, "HelloWorld.Blazor"), "-c", "Release",
            "--no-launch-profile", "--urls", baseUrl])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = repository,
        };
        start.Environment["ASPNETCORE_ENVIRONMENT"] = "Production";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        // Hundreds of phones in one session would each hear all the others; the load is about calls and APIs, not audio.
        start.Environment["Emulator__SimulatePhoneAudio"] = "false";
        foreach (var (name, value) in account.AsEnvironment())
        {
            start.Environment[name] = value;
        }
        var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start the app.");
        var output = new List<string>();
        process.OutputDataReceived += (_, line) => { if (line.Data is not null) { lock (output) { output.Add(line.Data); } } };
        process.ErrorDataReceived += (_, line) => { if (line.Data is not null) { lock (output) { output.Add(line.Data); } } };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var http = new HttpClient();
        var deadline = DateTime.UtcNow.AddMinutes(3); // the first run builds the app
        while (DateTime.UtcNow < deadline)
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException("The app stopped at start:\n" + string.Join('\n', output.TakeLast(30)));
            }
            try
            {
                if ((await http.GetAsync($"{baseUrl}/emulator/control/phones")).IsSuccessStatusCode)
                {
                    return new AppProcess(process, baseUrl);
                }
            }
            catch (HttpRequestException)
            {
            }
            await Task.Delay(500);
        }
        process.Kill(entireProcessTree: true);
        throw new TimeoutException("The app did not start listening within 3 minutes.");
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

    private static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

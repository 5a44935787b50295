namespace HelloWorld.Blazor.Tests.Browser;

/// <summary>
/// A test that drives Debian's Chromium. Without Chromium it is skipped with the reason spelled out, except where
/// <c>HELLOWORLD_REQUIRE_BROWSER=1</c> (CI sets it): there a missing browser must fail the run, not hide it.
/// </summary>
public class BrowserFactAttribute : FactAttribute
{
    public BrowserFactAttribute()
    {
        if (!Chromium.IsInstalled && !Chromium.IsRequired)
        {
            Skip = $"SKIPPED: Chromium was not found at {Chromium.ExecutablePath}. Install it with 'sudo apt-get install -y chromium' " +
                   "(or set HELLOWORLD_CHROMIUM to its path) to run the browser tests.";
        }
    }
}

public static class Chromium
{
    public static string ExecutablePath { get; } = Environment.GetEnvironmentVariable("HELLOWORLD_CHROMIUM") is { Length: > 0 } path
        ? path
        : "/usr/bin/chromium";

    public static bool IsInstalled => File.Exists(ExecutablePath);

    public static bool IsRequired => Environment.GetEnvironmentVariable("HELLOWORLD_REQUIRE_BROWSER") == "1";

    /// <summary>
    /// Headless on a machine without network or GPU; a fake microphone that plays a beep; audio that may play unprompted;
    /// and WebRTC over loopback, where the emulator's media socket listens.
    /// </summary>
    public static IReadOnlyList<string> Arguments { get; } =
    [
        "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking",
        "--disable-component-update", "--disable-sync", "--use-fake-ui-for-media-stream", "--use-fake-device-for-media-stream",
        "--autoplay-policy=no-user-gesture-required", "--allow-loopback-in-peer-connection",
    ];
}

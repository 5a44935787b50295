using System.Globalization;

namespace HelloWorld.Blazor.Bandwidth;

/// <summary>The wording every settings validator shares: which setting, what it is, and how to set it.</summary>
public static class SettingHelp
{
    /// <summary>"Set it in appsettings.json or with the environment variable Section__Name=example."</summary>
    public static string HowToSet(string key, string example) =>
        $"Set it in appsettings.json (\"{key}\") or with the environment variable {key.Replace(":", "__", StringComparison.Ordinal)}={example}.";

    /// <summary>A duration as a person reads it: 7 s, 500 ms.</summary>
    public static string Seconds(TimeSpan duration) =>
        duration.TotalSeconds >= 1
            ? duration.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture) + " s"
            : duration.TotalMilliseconds.ToString("0", CultureInfo.InvariantCulture) + " ms";
}

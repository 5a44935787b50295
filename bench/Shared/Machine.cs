using System.Globalization;
using System.Runtime.InteropServices;

namespace Bench;

/// <summary>What a figure was measured on, and how busy the machine was with other work meanwhile.</summary>
internal static class Machine
{
    public static string Description => $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}";

    /// <summary>The 1-minute load average (<c>/proc/loadavg</c>): above the core count, other processes were queueing for CPU.</summary>
    public static double LoadAverage => double.Parse(File.ReadAllText("/proc/loadavg").Split(' ')[0], CultureInfo.InvariantCulture);
}

using System.Globalization;

namespace Bench;

/// <summary>A process's resident memory as the kernel counts it (<c>/proc/PID/status</c>): now, and its high-water mark.</summary>
internal readonly record struct ResidentMemory(double RssMiB, double PeakMiB)
{
    public static ResidentMemory Of(int processId)
    {
        double rss = double.NaN, peak = double.NaN;
        foreach (var line in File.ReadLines($"/proc/{processId}/status"))
        {
            if (line.StartsWith("VmRSS:", StringComparison.Ordinal))
            {
                rss = MiB(line);
            }
            else if (line.StartsWith("VmHWM:", StringComparison.Ordinal))
            {
                peak = MiB(line);
            }
        }
        return new(rss, peak);
    }

    // "VmRSS:     123456 kB"
    private static double MiB(string line) =>
        Math.Round(long.Parse(line.Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], CultureInfo.InvariantCulture) / 1024.0, 1);
}

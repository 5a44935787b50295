using System.Diagnostics;
using System.Globalization;

namespace Bench;

/// <summary>
/// Waits until the given processes have all gone quiet (each under a tenth of a core over a 200 ms window), so one block
/// of measurements does not pay for work the previous one left behind (its transfers still being carried out, deletions
/// in the background, a garbage collection). Other processes on the machine are out of its reach: run on a quiet machine.
/// </summary>
internal static class Quiet
{
    private static readonly TimeSpan Window = TimeSpan.FromMilliseconds(200);
    public const long TicksPerSecond = 100; // USER_HZ, what /proc/PID/stat counts in on Linux

    /// <summary>Returns how long it waited; gives up (and returns) after <paramref name="atMost"/>.</summary>
    public static async Task<TimeSpan> WaitAsync(IReadOnlyList<int> processIds, TimeSpan atMost)
    {
        var clock = Stopwatch.StartNew();
        var before = processIds.Select(CpuTicks).ToArray();
        while (clock.Elapsed < atMost)
        {
            await Task.Delay(Window);
            var after = processIds.Select(CpuTicks).ToArray();
            var busiest = before.Zip(after, (start, end) => end - start).Max();
            if (busiest / (double)TicksPerSecond < 0.1 * Window.TotalSeconds)
            {
                break;
            }
            before = after;
        }
        return clock.Elapsed;
    }

    /// <summary>User and system CPU time of the process, in clock ticks (fields 14 and 15 of <c>/proc/PID/stat</c>).</summary>
    public static long CpuTicks(int processId)
    {
        var stat = File.ReadAllText($"/proc/{processId}/stat");
        // The command name (field 2) is in parentheses and may hold spaces: count fields from the closing one.
        var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        return long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
    }
}

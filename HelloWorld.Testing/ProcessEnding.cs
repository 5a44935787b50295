using System.Diagnostics;

namespace HelloWorld.Testing;

public static class ProcessEnding
{
    /// <summary>
    /// Ends a process a test started, with anything it started in turn, and releases it: a test's helper process must
    /// never outlive the test run, whatever the test's outcome.
    /// </summary>
    public static async ValueTask KillTreeAndDisposeAsync(this Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
        }
        process.Dispose();
    }
}

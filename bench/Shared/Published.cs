using System.Diagnostics;

namespace Bench;

/// <summary>
/// Publishes a project in Release into <c>bench/bin/NAME</c> (git-ignored), as it would be deployed, so whatever the
/// project's own settings choose for publishing (ReadyToRun, GC mode, trimming) is what gets measured.
/// </summary>
internal static class Published
{
    public static async Task<string> PublishAsync(string repository, string project, string name)
    {
        var output = Path.Combine(repository, "bench", "bin", name);
        var start = new ProcessStartInfo("dotnet", ["publish", Path.Combine(repository, project), "-c", "Release", "-o", output, "--nologo"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = repository,
        };
        using var process = Process.Start(start) ?? throw new InvalidOperationException("Could not start dotnet publish.");
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException($"dotnet publish {project} failed:\n{await stdout}\n{await stderr}");
        }
        return output;
    }
}

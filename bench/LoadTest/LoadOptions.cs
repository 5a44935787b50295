using System.Globalization;

namespace LoadTest;

internal sealed record LoadOptions(int Calls, int Concurrency, bool Faults, int WarmUpCalls, string? Output)
{
    public const string Usage = "usage: bench/run.sh [--calls N] [--concurrency C] [--faults] [--warm-up W] [--output file.json]";

    public static LoadOptions? Parse(string[] args)
    {
        var options = new LoadOptions(Calls: 200, Concurrency: 50, Faults: false, WarmUpCalls: 10, Output: null);
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--calls" when Count(args, i + 1, minimum: 1) is { } calls:
                    options = options with { Calls = calls };
                    i++;
                    break;
                case "--concurrency" when Count(args, i + 1, minimum: 1) is { } concurrency:
                    options = options with { Concurrency = concurrency };
                    i++;
                    break;
                case "--warm-up" when Count(args, i + 1, minimum: 0) is { } warmUp:
                    options = options with { WarmUpCalls = warmUp };
                    i++;
                    break;
                case "--faults":
                    options = options with { Faults = true };
                    break;
                case "--output" when i + 1 < args.Length:
                    options = options with { Output = Path.GetFullPath(args[++i]) };
                    break;
                default:
                    return null;
            }
        }
        return options;
    }

    private static int? Count(string[] args, int index, int minimum) =>
        index < args.Length && int.TryParse(args[index], CultureInfo.InvariantCulture, out var value) && value >= minimum ? value : null;
}

internal static class Repository
{
    public static string Root()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "HelloWorld.sln")))
            {
                return directory.FullName;
            }
        }
        throw new InvalidOperationException("Run the load tool from inside the repository.");
    }
}

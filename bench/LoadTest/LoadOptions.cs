using System.Globalization;

namespace LoadTest;

internal sealed record LoadOptions(int Calls, IReadOnlyList<int> Concurrency, int Blocks, bool Faults, int WarmUpCalls, int Instances, string? Output)
{
    public const string Usage =
        "usage: bench/run.sh [--calls N] [--concurrency C[,C...]] [--blocks B] [--faults] [--warm-up W] [--instances I] [--output file.json]\n" +
        "       bench/run.sh --median bench/results/load-A.json bench/results/load-B.json ...\n" +
        "       bench/run.sh --page [--loads N]      (see bench/README.md)";

    // Measured calls dial from numbers below this; warm-up calls from numbers above it (Level).
    public const int WarmUpLimit = 50_000;

    public static LoadOptions? Parse(string[] args)
    {
        var options = new LoadOptions(Calls: 200, Concurrency: [1, 10, 50], Blocks: 4, Faults: false, WarmUpCalls: 100, Instances: 1, Output: null);
        for (var i = 0; i < args.Length; i++)
        {
            switch (args[i])
            {
                case "--calls" when Count(args, i + 1, minimum: 1) is { } calls and < WarmUpLimit:
                    options = options with { Calls = calls };
                    i++;
                    break;
                case "--concurrency" when i + 1 < args.Length && Counts(args[i + 1]) is { } levels:
                    options = options with { Concurrency = levels };
                    i++;
                    break;
                case "--blocks" when Count(args, i + 1, minimum: 1) is { } blocks:
                    options = options with { Blocks = blocks };
                    i++;
                    break;
                case "--warm-up" when Count(args, i + 1, minimum: 1) is { } warmUp and < WarmUpLimit:
                    options = options with { WarmUpCalls = warmUp };
                    i++;
                    break;
                // More than one: the app's instances share a redis-server the tool starts, and the webhooks are spread over them.
                case "--instances" when Count(args, i + 1, minimum: 1) is { } instances:
                    options = options with { Instances = instances };
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
        return options.Blocks <= options.Calls ? options : null;
    }

    /// <summary>The calls of one server at one concurrency, split into <see cref="Blocks"/> nearly equal blocks.</summary>
    public IReadOnlyList<int> BlockSizes => [.. Enumerable.Range(0, Blocks).Select(block => Calls / Blocks + (block < Calls % Blocks ? 1 : 0))];

    private static int? Count(string[] args, int index, int minimum) =>
        index < args.Length && int.TryParse(args[index], CultureInfo.InvariantCulture, out var value) && value >= minimum ? value : null;

    // "1,10,50" or "50"
    private static List<int>? Counts(string text)
    {
        var parts = text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        var counts = parts.Select(part => int.TryParse(part, CultureInfo.InvariantCulture, out var value) && value >= 1 ? value : 0).ToList();
        return counts.Count > 0 && counts.All(count => count > 0) ? counts : null;
    }
}

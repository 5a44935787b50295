using Microsoft.Extensions.Options;
using static HelloWorld.Blazor.Bandwidth.SettingHelp;

namespace HelloWorld.Blazor.Bandwidth.Resilience;

/// <summary>
/// Checks <c>Bandwidth:Resilience</c> at start: Polly would otherwise refuse an out-of-range value only on the first call
/// to Bandwidth, and an attempt timeout at or above the total timeout would silently mean "no retry after a timeout".
/// </summary>
public sealed class BandwidthResilienceOptionsValidator : IValidateOptions<BandwidthResilienceOptions>
{
    private const string Section = BandwidthResilienceOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, BandwidthResilienceOptions options)
    {
        var failures = new List<string>();
        AtLeast(failures, nameof(options.AttemptTimeout), options.AttemptTimeout, TimeSpan.FromMilliseconds(10), "00:00:03");
        AtLeast(failures, nameof(options.TotalTimeout), options.TotalTimeout, TimeSpan.FromMilliseconds(10), "00:00:07");
        if (options.SessionCreationTimeout < options.AttemptTimeout)
        {
            failures.Add($"{Section}:SessionCreationTimeout ({Seconds(options.SessionCreationTimeout)}) must be at least {Section}:AttemptTimeout " +
                         $"({Seconds(options.AttemptTimeout)}): it is there to wait longer for the shared session. " + HowToSet($"{Section}:SessionCreationTimeout", "00:00:30"));
        }
        if (options.AttemptTimeout >= options.TotalTimeout)
        {
            failures.Add($"{Section}:AttemptTimeout ({Seconds(options.AttemptTimeout)}) must be shorter than {Section}:TotalTimeout " +
                         $"({Seconds(options.TotalTimeout)}), or a timed-out attempt could never be retried. " + HowToSet($"{Section}:AttemptTimeout", "00:00:03"));
        }
        if (options.MaxRetryAttempts is < 1 or > 10)
        {
            failures.Add($"{Section}:MaxRetryAttempts must be between 1 and 10 (it is {options.MaxRetryAttempts}). " + HowToSet($"{Section}:MaxRetryAttempts", "4"));
        }
        AtLeast(failures, nameof(options.RetryBaseDelay), options.RetryBaseDelay, TimeSpan.Zero, "00:00:00.200");
        AtLeast(failures, nameof(options.MaxRetryAfter), options.MaxRetryAfter, TimeSpan.Zero, "00:00:03");
        if (options.CircuitFailureRatio is <= 0 or > 1)
        {
            failures.Add($"{Section}:CircuitFailureRatio must be above 0 and at most 1 (it is {options.CircuitFailureRatio}). " + HowToSet($"{Section}:CircuitFailureRatio", "0.5"));
        }
        if (options.CircuitMinimumThroughput < 2)
        {
            failures.Add($"{Section}:CircuitMinimumThroughput must be 2 or more (it is {options.CircuitMinimumThroughput}). " + HowToSet($"{Section}:CircuitMinimumThroughput", "20"));
        }
        AtLeast(failures, nameof(options.CircuitSamplingDuration), options.CircuitSamplingDuration, TimeSpan.FromMilliseconds(500), "00:00:30");
        AtLeast(failures, nameof(options.CircuitBreakDuration), options.CircuitBreakDuration, TimeSpan.FromMilliseconds(500), "00:00:05");
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    private static void AtLeast(List<string> failures, string setting, TimeSpan value, TimeSpan minimum, string example)
    {
        if (value < minimum)
        {
            failures.Add($"{Section}:{setting} must be at least {Seconds(minimum)} (it is {value}). " + HowToSet($"{Section}:{setting}", example));
        }
    }
}

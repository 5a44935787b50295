using Microsoft.Extensions.Options;
using static HelloWorld.Blazor.Bandwidth.SettingHelp;

namespace HelloWorld.Blazor.Conference;

/// <summary>Limits on placing calls (<c>PhoneCalls</c> section): every call the app places costs money.</summary>
public sealed class PhoneCallOptions
{
    public const string SectionName = "PhoneCalls";

    /// <summary>Calls the whole app may place in any 60 seconds, whoever asks (<see cref="PerMinuteLimit"/>).</summary>
    public int MaxCallsPerMinute { get; set; } = 6;

    /// <summary>Calls one client address may place in any 60 seconds, its CALL buttons and <c>POST /callPhone</c> together.</summary>
    public int MaxCallsPerClientPerMinute { get; set; } = 3;

    /// <summary>
    /// Phone calls the app carries at once, dial-ins and placed calls together; beyond it a dial-in hears an apology. A
    /// brake for webhooks without credentials, where anyone could post an endless stream of new calls, each costing a
    /// participant. Well above what the load test drives (200 at once).
    /// </summary>
    public int MaxActiveCalls { get; set; } = 1000;

    /// <summary>Seconds an outbound call may ring before Bandwidth gives up (createCall's <c>callTimeout</c>, 1 to 300).</summary>
    public double RingTimeoutSeconds { get; set; } = 30;
}

/// <summary>Checks the <c>PhoneCalls</c> section at start, naming the setting and how to set it.</summary>
public sealed class PhoneCallOptionsValidator : IValidateOptions<PhoneCallOptions>
{
    private const string Section = PhoneCallOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, PhoneCallOptions options)
    {
        var failures = new List<string>();
        if (options.MaxCallsPerMinute < 1)
        {
            failures.Add($"{Section}:MaxCallsPerMinute must be 1 or more (it is {options.MaxCallsPerMinute}). " + HowToSet($"{Section}:MaxCallsPerMinute", "6"));
        }
        if (options.MaxCallsPerClientPerMinute < 1)
        {
            failures.Add($"{Section}:MaxCallsPerClientPerMinute must be 1 or more (it is {options.MaxCallsPerClientPerMinute}). " +
                         HowToSet($"{Section}:MaxCallsPerClientPerMinute", "3"));
        }
        if (options.MaxActiveCalls < 1)
        {
            failures.Add($"{Section}:MaxActiveCalls must be 1 or more (it is {options.MaxActiveCalls}). " + HowToSet($"{Section}:MaxActiveCalls", "1000"));
        }
        // Bandwidth's createCall takes a callTimeout from 1 to 300 seconds and refuses the call otherwise.
        if (!(options.RingTimeoutSeconds is >= 1 and <= 300))
        {
            failures.Add($"{Section}:RingTimeoutSeconds must be between 1 and 300, as Bandwidth's callTimeout (it is {options.RingTimeoutSeconds}). " +
                         HowToSet($"{Section}:RingTimeoutSeconds", "30"));
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

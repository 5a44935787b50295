using Microsoft.Extensions.Options;
using static HelloWorld.Blazor.Bandwidth.SettingHelp;

namespace HelloWorld.Blazor.Conference;

/// <summary>The <c>Participants</c> section.</summary>
public sealed class ParticipantOptions
{
    public const string SectionName = "Participants";

    /// <summary>
    /// The longest a join may take as a whole (create the participant, find or replace the session, add it). Each
    /// Bandwidth call is bounded by the resilience pipeline, but a join makes up to five of them; the page and
    /// <c>/connectionInfo</c> have no other deadline.
    /// </summary>
    public TimeSpan JoinTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// The session's capacity: participants of every kind (tabs, phones, <c>/connectionInfo</c>) at once. Bandwidth's
    /// documented limit is 20 a session; a 21st join would fail there after its participant was created and paid for.
    /// </summary>
    public int MaxPerSession { get; set; } = 20;

    /// <summary>
    /// Participants one client address may hold through the page and <c>/connectionInfo</c> together. Best effort (an
    /// address is not a person); <see cref="MaxPerSession"/> is what bounds the bill.
    /// </summary>
    public int MaxPerClient { get; set; } = 3;

    /// <summary>How often the sweep reconciles the app's calls and participants with Bandwidth's view of them.</summary>
    public TimeSpan SweepInterval { get; set; } = TimeSpan.FromSeconds(60);
}

public sealed class ParticipantOptionsValidator : IValidateOptions<ParticipantOptions>
{
    private const string Section = ParticipantOptions.SectionName;

    public ValidateOptionsResult Validate(string? name, ParticipantOptions options)
    {
        var failures = new List<string>();
        if (!(options.JoinTimeout > TimeSpan.Zero && options.JoinTimeout <= TimeSpan.FromMinutes(1)))
        {
            failures.Add($"{Section}:JoinTimeout must be above 0 and at most one minute (it is {options.JoinTimeout}). " +
                         HowToSet($"{Section}:JoinTimeout", "00:00:10"));
        }
        if (options.MaxPerSession < 1)
        {
            failures.Add($"{Section}:MaxPerSession must be 1 or more (it is {options.MaxPerSession}); Bandwidth allows 20. " +
                         HowToSet($"{Section}:MaxPerSession", "20"));
        }
        if (options.MaxPerClient < 1)
        {
            failures.Add($"{Section}:MaxPerClient must be 1 or more (it is {options.MaxPerClient}). " + HowToSet($"{Section}:MaxPerClient", "3"));
        }
        // A sweep must not come round while a join it could mistake for an orphan is still under way.
        if (!(options.SweepInterval >= TimeSpan.FromSeconds(10) && options.SweepInterval <= TimeSpan.FromHours(1)))
        {
            failures.Add($"{Section}:SweepInterval must be between 10 seconds and one hour (it is {options.SweepInterval}). " +
                         HowToSet($"{Section}:SweepInterval", "00:01:00"));
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

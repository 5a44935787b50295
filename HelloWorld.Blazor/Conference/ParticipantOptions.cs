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
}

public sealed class ParticipantOptionsValidator : IValidateOptions<ParticipantOptions>
{
    private const string Setting = ParticipantOptions.SectionName + ":" + nameof(ParticipantOptions.JoinTimeout);

    public ValidateOptionsResult Validate(string? name, ParticipantOptions options) =>
        options.JoinTimeout > TimeSpan.Zero && options.JoinTimeout <= TimeSpan.FromMinutes(1)
            ? ValidateOptionsResult.Success
            : ValidateOptionsResult.Fail($"{Setting} must be above 0 and at most one minute (it is {options.JoinTimeout}). " + HowToSet(Setting, "00:00:10"));
}

using HelloWorld.Blazor.Bandwidth.Resilience;
using Microsoft.Extensions.Options;
using static HelloWorld.Blazor.Bandwidth.SettingHelp;

namespace HelloWorld.Blazor.Webhooks;

/// <summary>
/// Keeps the timing of a synchronous webhook inside Bandwidth's: one Bandwidth call (<c>Bandwidth:Resilience:TotalTimeout</c>)
/// must fit in the webhook's budget, and the budget must end before Bandwidth stops waiting, or the caller hears
/// silence instead of the conference or an apology.
/// </summary>
public sealed class VoiceWebhookOptionsValidator(IOptions<BandwidthResilienceOptions> resilience) : IValidateOptions<VoiceWebhookOptions>
{
    /// <summary>How long Bandwidth waits for a synchronous webhook's BXML (its default <c>callbackTimeout</c>).</summary>
    public static readonly TimeSpan BandwidthDeadline = TimeSpan.FromSeconds(15);

    private const string Budget = VoiceWebhookOptions.SectionName + ":" + nameof(VoiceWebhookOptions.Budget);
    private const string FailedLoginBurst = VoiceWebhookOptions.SectionName + ":" + nameof(VoiceWebhookOptions.FailedLoginBurst);
    private const string FailedLoginWindow = VoiceWebhookOptions.SectionName + ":" + nameof(VoiceWebhookOptions.FailedLoginWindow);
    private const string TotalTimeout = BandwidthResilienceOptions.SectionName + ":" + nameof(BandwidthResilienceOptions.TotalTimeout);

    public ValidateOptionsResult Validate(string? name, VoiceWebhookOptions options)
    {
        var failures = new List<string>();
        if (options.Budget >= BandwidthDeadline)
        {
            failures.Add($"{Budget} ({Seconds(options.Budget)}) must be shorter than Bandwidth's {Seconds(BandwidthDeadline)} webhook deadline, " +
                         "or callers hear silence when Bandwidth is slow. " + HowToSet(Budget, "00:00:10"));
        }
        if (options.FailedLoginBurst < 1)
        {
            failures.Add($"{FailedLoginBurst} ({options.FailedLoginBurst}) must be at least 1. " + HowToSet(FailedLoginBurst, "10"));
        }
        if (options.FailedLoginWindow <= TimeSpan.Zero)
        {
            failures.Add($"{FailedLoginWindow} ({options.FailedLoginWindow}) must be a positive duration. " + HowToSet(FailedLoginWindow, "00:01:00"));
        }
        TimeSpan total;
        try
        {
            total = resilience.Value.TotalTimeout;
        }
        catch (OptionsValidationException)
        {
            // Bad resilience settings are reported by their own validator, once.
            return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
        }
        if (total >= options.Budget)
        {
            failures.Add($"{TotalTimeout} ({Seconds(total)}) must be shorter than {Budget} ({Seconds(options.Budget)}), so a webhook " +
                         "still has time to apologise when Bandwidth does not answer. " + HowToSet(TotalTimeout, "00:00:07"));
        }
        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }
}

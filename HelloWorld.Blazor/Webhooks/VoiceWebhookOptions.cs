namespace HelloWorld.Blazor.Webhooks;

/// <summary>The <c>VoiceWebhooks</c> section.</summary>
public sealed class VoiceWebhookOptions
{
    public const string SectionName = "VoiceWebhooks";

    /// <summary>
    /// How long a synchronous webhook may work before it answers an apology instead. Bandwidth waits 15 s; 10 s leaves
    /// room for the answer to travel and for a slow network. Must exceed <c>Bandwidth:Resilience:TotalTimeout</c> and stay
    /// under 15 s (checked at start).
    /// </summary>
    public TimeSpan Budget { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>
    /// How many webhooks with wrong credentials one client address may send within <see cref="FailedLoginWindow"/> before
    /// it gets 429 for the rest of the window. Bandwidth itself never fails: it sends the configured credentials.
    /// </summary>
    public int FailedLoginBurst { get; set; } = 10;

    /// <summary>The window <see cref="FailedLoginBurst"/> counts in, and how often the failures are summarised in the log.</summary>
    public TimeSpan FailedLoginWindow { get; set; } = TimeSpan.FromMinutes(1);
}

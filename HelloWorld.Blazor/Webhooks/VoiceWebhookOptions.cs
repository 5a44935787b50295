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
}

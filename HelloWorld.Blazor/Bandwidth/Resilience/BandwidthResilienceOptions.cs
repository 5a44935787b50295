namespace HelloWorld.Blazor.Bandwidth.Resilience;

/// <summary>
/// How hard the app tries when Bandwidth stumbles (<c>Bandwidth:Resilience</c>). The defaults keep one API call inside
/// <see cref="TotalTimeout"/> = 7 s, so a webhook that makes an API call still answers well before Bandwidth's 15 s deadline
/// with time left to clean up or apologise.
/// </summary>
public sealed class BandwidthResilienceOptions
{
    public const string SectionName = "Bandwidth:Resilience";

    /// <summary>One attempt; Bandwidth's API answers in well under a second when healthy.</summary>
    public TimeSpan AttemptTimeout { get; set; } = TimeSpan.FromSeconds(3);

    /// <summary>
    /// The one attempt of <c>createSession</c>, in place of <see cref="AttemptTimeout"/>. A POST that times out is not
    /// retried, since it may have taken effect; for a participant that costs one webhook, but the session is created once
    /// and shared by every first caller: given up after 3 s on a loaded Bandwidth (or app), the session it made would be
    /// left at Bandwidth while the next caller created a second. Every caller still waits only within its own deadline.
    /// </summary>
    public TimeSpan SessionCreationTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>All attempts and the waits between them.</summary>
    public TimeSpan TotalTimeout { get; set; } = TimeSpan.FromSeconds(7);

    /// <summary>
    /// Retries after the first attempt. Their backoff (0.2 + 0.4 + 0.8 + 1.6 s, jittered) ends well inside
    /// <see cref="TotalTimeout"/>, and each one divides the chance that a call fails on scattered refusals by the refusal
    /// rate: with one request in ten refused, 3 retries lose one call in 10 000 requests, 4 lose one in 100 000.
    /// </summary>
    public int MaxRetryAttempts { get; set; } = 4;

    /// <summary>First backoff; it doubles with each retry, with jitter so many clients do not retry in step.</summary>
    public TimeSpan RetryBaseDelay { get; set; } = TimeSpan.FromMilliseconds(200);

    /// <summary>The longest <c>Retry-After</c> the app waits for; a longer one would outlast the webhook budget, so it fails fast.</summary>
    public TimeSpan MaxRetryAfter { get; set; } = TimeSpan.FromSeconds(3);

    public double CircuitFailureRatio { get; set; } = 0.5;

    public int CircuitMinimumThroughput { get; set; } = 20;

    public TimeSpan CircuitSamplingDuration { get; set; } = TimeSpan.FromSeconds(30);

    public TimeSpan CircuitBreakDuration { get; set; } = TimeSpan.FromSeconds(5);
}

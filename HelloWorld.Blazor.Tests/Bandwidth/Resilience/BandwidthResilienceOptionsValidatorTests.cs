using HelloWorld.Blazor.Bandwidth.Resilience;
using HelloWorld.Blazor.Webhooks;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Tests.Bandwidth.Resilience;

public sealed class BandwidthResilienceOptionsValidatorTests
{
    private static readonly BandwidthResilienceOptionsValidator Validator = new();

    [Fact]
    public void Defaults_AreValid_AndOneBandwidthCallFitsTheWebhookBudget_WhichEndsBeforeBandwidthsDeadline()
    {
        var resilience = new BandwidthResilienceOptions();
        var webhooks = new VoiceWebhookOptions();

        Assert.True(Validator.Validate(null, resilience).Succeeded);
        Assert.True(new VoiceWebhookOptionsValidator(Options.Create(resilience)).Validate(null, webhooks).Succeeded);
        // Pinned: the apology must be able to reach a caller before Bandwidth gives up on the webhook.
        Assert.True(resilience.AttemptTimeout < resilience.TotalTimeout);
        Assert.True(resilience.SessionCreationTimeout > resilience.TotalTimeout);
        Assert.True(resilience.TotalTimeout < webhooks.Budget);
        Assert.True(webhooks.Budget < TimeSpan.FromSeconds(15));
        Assert.Equal(TimeSpan.FromSeconds(15), VoiceWebhookOptionsValidator.BandwidthDeadline);
    }

    [Theory]
    [InlineData(7, 7, "Bandwidth:Resilience:AttemptTimeout (7 s) must be shorter than Bandwidth:Resilience:TotalTimeout (7 s)")]
    [InlineData(8, 7, "Bandwidth:Resilience:AttemptTimeout (8 s) must be shorter than Bandwidth:Resilience:TotalTimeout (7 s)")]
    [InlineData(0, 7, "Bandwidth:Resilience:AttemptTimeout must be at least 10 ms")]
    public void AttemptTimeout_MustBePositiveAndShorterThanTheTotal(int attemptSeconds, int totalSeconds, string message)
    {
        var options = new BandwidthResilienceOptions
        {
            AttemptTimeout = TimeSpan.FromSeconds(attemptSeconds),
            TotalTimeout = TimeSpan.FromSeconds(totalSeconds),
        };

        var failures = Validator.Validate(null, options).Failures!;

        Assert.Contains(failures, failure => failure.Contains(message) && failure.Contains("Bandwidth__Resilience__"));
    }

    [Theory]
    [InlineData(nameof(BandwidthResilienceOptions.MaxRetryAttempts), "0", "Bandwidth:Resilience:MaxRetryAttempts must be between 1 and 10")]
    [InlineData(nameof(BandwidthResilienceOptions.CircuitFailureRatio), "0", "Bandwidth:Resilience:CircuitFailureRatio must be above 0")]
    [InlineData(nameof(BandwidthResilienceOptions.CircuitFailureRatio), "1.5", "Bandwidth:Resilience:CircuitFailureRatio must be above 0")]
    [InlineData(nameof(BandwidthResilienceOptions.CircuitMinimumThroughput), "1", "Bandwidth:Resilience:CircuitMinimumThroughput must be 2 or more")]
    [InlineData(nameof(BandwidthResilienceOptions.CircuitBreakDuration), "00:00:00.100", "Bandwidth:Resilience:CircuitBreakDuration must be at least 500 ms")]
    [InlineData(nameof(BandwidthResilienceOptions.CircuitSamplingDuration), "00:00:00.100", "Bandwidth:Resilience:CircuitSamplingDuration must be at least 500 ms")]
    [InlineData(nameof(BandwidthResilienceOptions.RetryBaseDelay), "-00:00:01", "Bandwidth:Resilience:RetryBaseDelay must be at least 0 ms")]
    [InlineData(nameof(BandwidthResilienceOptions.MaxRetryAfter), "-00:00:01", "Bandwidth:Resilience:MaxRetryAfter must be at least 0 ms")]
    [InlineData(nameof(BandwidthResilienceOptions.SessionCreationTimeout), "00:00:02", "Bandwidth:Resilience:SessionCreationTimeout (2 s) must be at least Bandwidth:Resilience:AttemptTimeout (3 s)")]
    public void OutOfRangeSetting_IsNamed(string setting, string value, string message)
    {
        var options = new BandwidthResilienceOptions();
        var property = typeof(BandwidthResilienceOptions).GetProperty(setting)!;
        property.SetValue(options, property.PropertyType == typeof(TimeSpan)
            ? TimeSpan.Parse(value, System.Globalization.CultureInfo.InvariantCulture)
            : Convert.ChangeType(value, property.PropertyType, System.Globalization.CultureInfo.InvariantCulture));

        var failure = Assert.Single(Validator.Validate(null, options).Failures!);

        Assert.StartsWith(message, failure);
    }
}

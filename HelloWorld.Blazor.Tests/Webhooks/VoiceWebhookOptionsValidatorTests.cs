using HelloWorld.Blazor.Bandwidth.Resilience;
using HelloWorld.Blazor.Tests.TestDoubles;
using HelloWorld.Blazor.Webhooks;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Tests.Webhooks;

public sealed class VoiceWebhookOptionsValidatorTests
{
    [Theory]
    [InlineData(15)]
    [InlineData(20)]
    public void Budget_AtOrBeyondBandwidthsDeadline_IsRefused(int seconds)
    {
        var validator = new VoiceWebhookOptionsValidator(Options.Create(new BandwidthResilienceOptions()));

        var failure = Assert.Single(validator.Validate(null, new VoiceWebhookOptions { Budget = TimeSpan.FromSeconds(seconds) }).Failures!);

        Assert.Contains($"VoiceWebhooks:Budget ({seconds} s) must be shorter than Bandwidth's 15 s webhook deadline", failure);
        Assert.Contains("VoiceWebhooks__Budget=", failure);
    }

    [Fact]
    public void Budget_ThatOneBandwidthCallCouldUseUp_IsRefused()
    {
        var validator = new VoiceWebhookOptionsValidator(Options.Create(new BandwidthResilienceOptions { TotalTimeout = TimeSpan.FromSeconds(7) }));

        var failure = Assert.Single(validator.Validate(null, new VoiceWebhookOptions { Budget = TimeSpan.FromSeconds(7) }).Failures!);

        Assert.Contains("Bandwidth:Resilience:TotalTimeout (7 s) must be shorter than VoiceWebhooks:Budget (7 s)", failure);
    }

    [Theory]
    [InlineData("Bandwidth:Resilience:AttemptTimeout", "00:00:09", "Bandwidth:Resilience:AttemptTimeout (9 s) must be shorter")]
    [InlineData("Bandwidth:Resilience:TotalTimeout", "00:00:12", "Bandwidth:Resilience:TotalTimeout (12 s) must be shorter than VoiceWebhooks:Budget")]
    [InlineData("VoiceWebhooks:Budget", "00:00:16", "VoiceWebhooks:Budget (16 s) must be shorter than Bandwidth's 15 s")]
    [InlineData("PhoneCalls:RingTimeoutSeconds", "301", "PhoneCalls:RingTimeoutSeconds must be between 1 and 300")]
    [InlineData("PhoneCalls:MaxActiveCalls", "0", "PhoneCalls:MaxActiveCalls must be 1 or more")]
    [InlineData("PhoneCalls:MaxCallsPerMinute", "0", "PhoneCalls:MaxCallsPerMinute must be 1 or more")]
    [InlineData("PhoneCalls:MaxCallsPerClientPerMinute", "0", "PhoneCalls:MaxCallsPerClientPerMinute must be 1 or more")]
    [InlineData("Participants:JoinTimeout", "00:00:00", "Participants:JoinTimeout must be above 0")]
    public async Task App_WithATimingOrLimitOutOfRange_DoesNotStart_AndNamesTheSetting(string setting, string value, string message)
    {
        await using var app = new AccountModeAppFactory();
        app.Settings[setting] = value;

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        var failure = Assert.IsType<OptionsValidationException>(error is AggregateException aggregate ? Assert.Single(aggregate.InnerExceptions) : error);
        Assert.Contains(message, failure.Message);
    }
}

using HelloWorld.Blazor.Bandwidth;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Tests.Bandwidth;

/// <summary>Which Bandwidth the app talks to, decided from the settings exactly as the app decides it at start.</summary>
public sealed class BandwidthModeTests
{
    [Theory]
    [InlineData(null, null)]
    [InlineData("Bandwidth:PhoneNumber", "+19195550100")]
    [InlineData("Bandwidth:OutboundPhoneNumber", "+19195550123")]
    [InlineData("Bandwidth:CallbackUsername", "hook-user")]
    public void WithoutAnyAccountSetting_TheAppRunsTheEmulator(string? key, string? value)
    {
        using var app = Build(key is null ? [] : [(key, value)]);

        Assert.True(app.Services.GetRequiredService<IBandwidthEnvironment>().IsEmulator);
    }

    [Theory]
    [InlineData("Bandwidth:VoiceApplicationId", "voice-app")]
    [InlineData("Bandwidth:BaseCallbackUrl", "https://app.example.com")]
    [InlineData("Bandwidth:AccountId", "9900000")]
    [InlineData("Bandwidth:Username", "api-user")]
    [InlineData("Bandwidth:Password", "api-password")]
    public void WithOnlySomeAccountSettings_TheAppExpectsTheAccount_AndNamesWhatIsMissing(string key, string value)
    {
        using var app = Build([(key, value)]);

        Assert.False(app.Services.GetRequiredService<IBandwidthEnvironment>().IsEmulator);
        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<BandwidthOptions>>().Value);
        Assert.All(error.Failures, failure => Assert.Contains($"Found {key}, so the app expects a Bandwidth account", failure));
        Assert.Contains(error.Failures, failure => failure.StartsWith("Bandwidth:PhoneNumber is not set", StringComparison.Ordinal));
        Assert.DoesNotContain(error.Failures, failure => failure.StartsWith($"{key} is not set", StringComparison.Ordinal));
        Assert.Contains("Bandwidth:UseEmulator", error.Failures.First());
    }

    [Fact]
    public void UseEmulator_True_ForcesTheEmulator_WhateverIsSet()
    {
        using var app = Build([("Bandwidth:UseEmulator", "true"), ("Bandwidth:VoiceApplicationId", "voice-app"), ("Bandwidth:AccountId", "9900000")]);

        Assert.True(app.Services.GetRequiredService<IBandwidthEnvironment>().IsEmulator);
    }

    [Fact]
    public void UseEmulator_False_ForcesAnAccount_EvenWithNothingSet()
    {
        using var app = Build([("Bandwidth:UseEmulator", "false")]);

        Assert.False(app.Services.GetRequiredService<IBandwidthEnvironment>().IsEmulator);
        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<BandwidthOptions>>().Value);
        Assert.Contains(error.Failures, failure => failure.StartsWith("Bandwidth:AccountId is not set", StringComparison.Ordinal));
    }

    private static DisposableApp Build(IEnumerable<(string Key, string? Value)> settings)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(settings.Select(s => new KeyValuePair<string, string?>(s.Key, s.Value)));
        builder.AddBandwidth();
        return new DisposableApp(builder.Build());
    }

    private sealed class DisposableApp(WebApplication app) : IDisposable
    {
        public IServiceProvider Services => app.Services;

        public void Dispose() => ((IDisposable)app).Dispose();
    }
}

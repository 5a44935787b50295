using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;

namespace HelloWorld.Emulator.Tests;

public sealed class EmulatorOptionsTests
{
    [Fact]
    public void BindConfiguration_WithPhoneNumbers_ReplacesTheDefaultPhones()
    {
        var options = new EmulatorOptions();

        options.BindConfiguration(Section(new() { ["Emulator:PhoneNumbers:0"] = "+15555550111", ["Emulator:CallbackTimeout"] = "00:00:05" }));

        Assert.Equal(["+15555550111"], options.PhoneNumbers);
        Assert.Equal(TimeSpan.FromSeconds(5), options.CallbackTimeout);
    }

    [Fact]
    public void BindConfiguration_WithoutPhoneNumbers_KeepsTheDefaultPhones()
    {
        var options = new EmulatorOptions();

        options.BindConfiguration(Section(new() { ["Emulator:AccountId"] = "123" }));

        Assert.Equal(new EmulatorOptions().PhoneNumbers, options.PhoneNumbers);
        Assert.NotEmpty(options.PhoneNumbers);
        Assert.Equal("123", options.AccountId);
    }

    [Fact]
    public void Validate_TheDefaults_Succeeds() =>
        Assert.True(new EmulatorOptionsValidator().Validate(null, new EmulatorOptions()).Succeeded);

    [Theory]
    [InlineData("MediaBindAddress", "localhost")]
    [InlineData("MediaAdvertisedAddress", "my-laptop.local")]
    [InlineData("MediaPort", "70000")]
    [InlineData("ApplicationPhoneNumber", "9195550100")]
    [InlineData("PhoneNumbers:0", "555-0123")]
    [InlineData("ApplicationPhoneNumber", "+19195550100\n")]
    [InlineData("InboundCallbackUrl", "incomingCall")]
    [InlineData("StatusCallbackUrl", "ftp://example.com/status")]
    [InlineData("WebRtcTransferSipUri", "sipx.webrtc.bandwidth.com")]
    [InlineData("CallbackTimeout", "00:01:00")]
    [InlineData("MediaConsentTimeout", "00:00:00")]
    [InlineData("DeviceTokenLifetime", "-00:00:01")]
    [InlineData("AccountId", " ")]
    [InlineData("Limits:ParticipantsPerSession", "0")]
    [InlineData("Limits:TagLength", "0")]
    [InlineData("Limits:CallsPerSecond", "-1")]
    [InlineData("Limits:ActiveCalls", "0")]
    public void Validate_AMalformedSetting_FailsNamingItAndHowToSetIt(string setting, string value)
    {
        var options = new EmulatorOptions();
        options.BindConfiguration(Section(new() { [$"Emulator:{setting}"] = value }));

        var result = new EmulatorOptionsValidator().Validate(null, options);

        var failure = Assert.Single(result.Failures ?? []);
        var name = setting.EndsWith(":0", StringComparison.Ordinal) ? setting[..^2] : setting; // a list's first item names the list
        Assert.StartsWith($"Emulator:{name} ", failure, StringComparison.Ordinal);
        Assert.Contains($"Emulator__{setting.Replace(":", "__", StringComparison.Ordinal)}=", failure, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ACallbackUsernameWithoutItsPassword_Fails()
    {
        var result = new EmulatorOptionsValidator().Validate(null, new EmulatorOptions { CallbackUsername = "hook-user" });

        Assert.Equal(["Emulator:CallbackUsername and Emulator:CallbackPassword go together: set both or neither."], result.Failures);
    }

    [Fact]
    public async Task Start_WithAMediaBindAddressThatIsNoAddress_FailsAtStart_NamingTheSetting()
    {
        var failure = await Assert.ThrowsAsync<OptionsValidationException>(() =>
            EmulatorHost.StartAsync(options => options.MediaBindAddress = "localhost"));

        Assert.Contains("Emulator:MediaBindAddress must be an IP address", failure.Message, StringComparison.Ordinal);
    }

    private static IConfigurationSection Section(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(EmulatorOptions.SectionName);
}

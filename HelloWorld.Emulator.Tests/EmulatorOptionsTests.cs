using Microsoft.Extensions.Configuration;

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

    private static IConfigurationSection Section(Dictionary<string, string?> settings) =>
        new ConfigurationBuilder().AddInMemoryCollection(settings).Build().GetSection(EmulatorOptions.SectionName);
}

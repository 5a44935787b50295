using HelloWorld.Blazor.Bandwidth;
using Microsoft.Extensions.Configuration;

namespace HelloWorld.Blazor.Tests.Bandwidth;

public sealed class SampleEnvironmentVariablesTests
{
    private static readonly Dictionary<string, string> SampleVariables = new()
    {
        ["BW_ACCOUNT_ID"] = "9900000",
        ["BW_USERNAME"] = "sample-user",
        ["BW_PASSWORD"] = "sample-password",
        ["BW_VOICE_APPLICATION_ID"] = "sample-app",
        ["BW_NUMBER"] = "+19195550100",
        ["USER_NUMBER"] = "+19195550123",
        ["BASE_CALLBACK_URL"] = "https://sample.example.com",
    };

    [Theory]
    [InlineData("BW_ACCOUNT_ID", "Bandwidth:AccountId")]
    [InlineData("BW_USERNAME", "Bandwidth:Username")]
    [InlineData("BW_PASSWORD", "Bandwidth:Password")]
    [InlineData("BW_VOICE_APPLICATION_ID", "Bandwidth:VoiceApplicationId")]
    [InlineData("BW_NUMBER", "Bandwidth:PhoneNumber")]
    [InlineData("USER_NUMBER", "Bandwidth:OutboundPhoneNumber")]
    [InlineData("BASE_CALLBACK_URL", "Bandwidth:BaseCallbackUrl")]
    public void SampleVariable_MapsOntoTheBandwidthSection(string variable, string key)
    {
        var configuration = new ConfigurationBuilder().AddBandwidthSampleEnvironmentVariables(SampleVariables.GetValueOrDefault).Build();

        Assert.Equal(SampleVariables[variable], configuration[key]);
    }

    [Fact]
    public void DotNetName_WinsOverTheSampleName()
    {
        var configuration = new ConfigurationBuilder()
            .AddEnvironmentVariables()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Bandwidth:AccountId"] = "from-dotnet-name" })
            .AddBandwidthSampleEnvironmentVariables(SampleVariables.GetValueOrDefault)
            .Build();

        Assert.Equal("from-dotnet-name", configuration["Bandwidth:AccountId"]);
    }

    [Fact]
    public void SampleName_SitsJustBelowTheStandardEnvironmentVariables()
    {
        var builder = new ConfigurationBuilder()
            .AddInMemoryCollection(new Dictionary<string, string?> { ["Bandwidth:AccountId"] = "from-appsettings" })
            .AddEnvironmentVariables(prefix: "ASPNETCORE_")
            .AddEnvironmentVariables();

        builder.AddBandwidthSampleEnvironmentVariables(SampleVariables.GetValueOrDefault);

        Assert.IsType<Microsoft.Extensions.Configuration.EnvironmentVariables.EnvironmentVariablesConfigurationSource>(builder.Sources[^1]);
        Assert.IsType<Microsoft.Extensions.Configuration.Memory.MemoryConfigurationSource>(builder.Sources[^2]);
        Assert.Equal("9900000", builder.Build()["Bandwidth:AccountId"]);
    }

    [Fact]
    public void UnsetSampleVariables_AddNothing()
    {
        var configuration = new ConfigurationBuilder().AddBandwidthSampleEnvironmentVariables(_ => null).Build();

        Assert.Empty(configuration.AsEnumerable());
    }
}

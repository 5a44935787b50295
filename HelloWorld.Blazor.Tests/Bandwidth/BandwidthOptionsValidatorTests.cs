using HelloWorld.Blazor.Bandwidth;

namespace HelloWorld.Blazor.Tests.Bandwidth;

public sealed class BandwidthOptionsValidatorTests
{
    private static BandwidthOptions Complete() => new()
    {
        AccountId = "9900000",
        Username = "api-user",
        Password = "api-password",
        VoiceApplicationId = "voice-app",
        PhoneNumber = "+19195550100",
        BaseCallbackUrl = "https://app.example.com",
        CallbackUsername = "hook-user",
        CallbackPassword = "hook-password",
    };

    [Fact]
    public void Validate_WhenEverythingIsSet_Succeeds() =>
        Assert.True(new BandwidthOptionsValidator(emulatorMode: false).Validate(null, Complete()).Succeeded);

    [Theory]
    [InlineData(nameof(BandwidthOptions.AccountId), "BW_ACCOUNT_ID")]
    [InlineData(nameof(BandwidthOptions.Username), "BW_USERNAME")]
    [InlineData(nameof(BandwidthOptions.Password), "BW_PASSWORD")]
    [InlineData(nameof(BandwidthOptions.VoiceApplicationId), "BW_VOICE_APPLICATION_ID")]
    [InlineData(nameof(BandwidthOptions.PhoneNumber), "BW_NUMBER")]
    [InlineData(nameof(BandwidthOptions.BaseCallbackUrl), "BASE_CALLBACK_URL")]
    public void Validate_InAccountMode_NamesEachMissingSettingAndHowToSetIt(string setting, string sampleVariable)
    {
        var options = Complete();
        typeof(BandwidthOptions).GetProperty(setting)!.SetValue(options, null);

        var result = new BandwidthOptionsValidator(emulatorMode: false).Validate(null, options);

        var failure = Assert.Single(result.Failures!);
        Assert.Contains($"Bandwidth:{setting} is not set", failure);
        Assert.Contains($"dotnet user-secrets --project HelloWorld.Blazor set Bandwidth:{setting}", failure);
        Assert.Contains($"Bandwidth__{setting}", failure);
        Assert.Contains(sampleVariable, failure);
    }

    [Fact]
    public void Validate_ReportsEveryProblemAtOnce()
    {
        var result = new BandwidthOptionsValidator(emulatorMode: false).Validate(null, new BandwidthOptions());

        Assert.Equal(7, result.Failures!.Count());
    }

    [Fact]
    public void Validate_InEmulatorMode_RequiresNoAccount() =>
        Assert.True(new BandwidthOptionsValidator(emulatorMode: true).Validate(null, new BandwidthOptions()).Succeeded);

    [Theory]
    [InlineData("9195550100")]
    [InlineData("+0195550100")]
    [InlineData("+1 919 555 0100")]
    [InlineData("+1234567890123456")]
    public void Validate_RejectsANumberThatIsNotE164(string number)
    {
        var options = Complete();
        options.OutboundPhoneNumber = number;

        var failure = Assert.Single(new BandwidthOptionsValidator(emulatorMode: false).Validate(null, options).Failures!);

        Assert.Contains("Bandwidth:OutboundPhoneNumber must be an E.164 phone number", failure);
    }

    [Theory]
    [InlineData("+19195550123\n")]
    [InlineData("+19195550123\r\n")]
    [InlineData("\n+19195550123")]
    public void Validate_RejectsANumberWithALineBreak(string number)
    {
        var options = Complete();
        options.OutboundPhoneNumber = number;

        var failure = Assert.Single(new BandwidthOptionsValidator(emulatorMode: false).Validate(null, options).Failures!);

        Assert.Contains("Bandwidth:OutboundPhoneNumber must be an E.164 phone number", failure);
        Assert.False(BandwidthOptionsValidator.IsE164(number));
    }

    [Fact]
    public void Validate_InAccountMode_WithoutWebhookCredentials_FailsClosed_NamingBothSettingsAndHowToSetThem()
    {
        var options = Complete();
        options.CallbackUsername = null;
        options.CallbackPassword = null;

        var failure = Assert.Single(new BandwidthOptionsValidator(emulatorMode: false).Validate(null, options).Failures!);

        Assert.StartsWith("Bandwidth:CallbackUsername and Bandwidth:CallbackPassword are not set.", failure);
        Assert.Contains("dotnet user-secrets --project HelloWorld.Blazor set Bandwidth:CallbackUsername", failure);
        Assert.Contains("dotnet user-secrets --project HelloWorld.Blazor set Bandwidth:CallbackPassword", failure);
        Assert.Contains("Bandwidth__CallbackUsername", failure);
        Assert.Contains("Bandwidth:AllowUnauthenticatedWebhooks", failure);
    }

    [Fact]
    public void Validate_InAccountMode_WithoutWebhookCredentials_StartsWhenUnauthenticatedWebhooksAreAllowed()
    {
        var options = Complete();
        options.CallbackUsername = null;
        options.CallbackPassword = null;
        options.AllowUnauthenticatedWebhooks = true;

        Assert.True(new BandwidthOptionsValidator(emulatorMode: false).Validate(null, options).Succeeded);
    }

    [Fact]
    public void Validate_ChecksEveryAllowedOutboundNumber()
    {
        var options = Complete();
        options.AllowedOutboundNumbers = ["+19195550123", "call me"];

        var failure = Assert.Single(new BandwidthOptionsValidator(emulatorMode: true).Validate(null, options).Failures!);

        Assert.Contains("Bandwidth:AllowedOutboundNumbers", failure);
    }

    [Theory]
    [InlineData("not a url")]
    [InlineData("ftp://example.com")]
    [InlineData("/relative")]
    public void Validate_RejectsAUrlThatIsNotAbsoluteHttp(string url)
    {
        var options = Complete();
        options.WebRtcApiBaseUrl = url;

        var failure = Assert.Single(new BandwidthOptionsValidator(emulatorMode: false).Validate(null, options).Failures!);

        Assert.Contains("Bandwidth:WebRtcApiBaseUrl must be an absolute http or https URL", failure);
    }

    [Fact]
    public void Validate_CallbackCredentialsComeTogether()
    {
        var options = Complete();
        options.CallbackPassword = null;

        var failure = Assert.Single(new BandwidthOptionsValidator(emulatorMode: false).Validate(null, options).Failures!);

        Assert.Contains("go together", failure);
    }

    [Fact]
    public void Validate_CallbackCredentialsNeedAnHttpsCallbackUrl()
    {
        var options = Complete();
        options.BaseCallbackUrl = "http://app.example.com";
        options.CallbackUsername = "hook";
        options.CallbackPassword = "secret";

        var failure = Assert.Single(new BandwidthOptionsValidator(emulatorMode: false).Validate(null, options).Failures!);

        Assert.Contains("must use https when callback credentials are set", failure);
        Assert.DoesNotContain("secret", failure);
    }
}

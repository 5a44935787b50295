using HelloWorld.Blazor.Tests.TestDoubles;

namespace HelloWorld.Blazor.Tests.Security;

public sealed class SecurityHeadersTests
{
    [Theory]
    [InlineData("/")]
    [InlineData("/connectionInfo")]
    [InlineData("/not-a-page")]
    public async Task EveryResponse_CarriesTheSecurityHeaders(string path)
    {
        await using var app = new AccountModeAppFactory();

        var response = await app.CreateClient().GetAsync(path);

        Assert.Equal("nosniff", response.Headers.GetValues("X-Content-Type-Options").Single());
        Assert.Equal("no-referrer", response.Headers.GetValues("Referrer-Policy").Single());
        Assert.Equal("DENY", response.Headers.GetValues("X-Frame-Options").Single());
        var policy = response.Headers.GetValues("Content-Security-Policy").Single();
        Assert.Contains("default-src 'self'", policy);
        Assert.Contains("frame-ancestors 'none'", policy);
        Assert.Contains("object-src 'none'", policy);
        Assert.DoesNotContain("unsafe-eval", policy);
        Assert.DoesNotContain("script-src 'self' 'unsafe-inline'", policy);
    }

    [Fact]
    public async Task AgainstBandwidth_TheSdkMayReachBandwidthsDeviceEndpoint()
    {
        await using var app = new AccountModeAppFactory();

        var policy = (await app.CreateClient().GetAsync("/")).Headers.GetValues("Content-Security-Policy").Single();

        Assert.Contains("connect-src 'self' wss://device.webrtc.bandwidth.com;", policy);
    }

    [Fact]
    public async Task ThePage_AllowsItsImportMapByHash()
    {
        await using var app = new AccountModeAppFactory();

        var policy = (await app.CreateClient().GetAsync("/")).Headers.GetValues("Content-Security-Policy").Single();

        Assert.Matches("script-src 'self' 'sha256-[A-Za-z0-9+/=]{44}'", policy);
    }
}

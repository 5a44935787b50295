using HelloWorld.Emulator.Tokens;
using Microsoft.Extensions.Time.Testing;
using Microsoft.IdentityModel.JsonWebTokens;

namespace HelloWorld.Emulator.Tests.Tokens;

public sealed class DeviceTokensTests
{
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.UtcNow);

    [Fact]
    public async Task Token_NamesItsParticipant_AndSelectsTheV3Protocol()
    {
        using var tokens = new DeviceTokens("9900000", TimeSpan.FromHours(1), _clock);

        var token = tokens.Issue("p-1");

        Assert.Equal("p-1", await tokens.ValidateAsync(token));
        var claims = new JsonWebToken(token);
        Assert.Equal("V3", claims.GetClaim("v").Value);
        Assert.Equal("p-1", claims.GetClaim("p").Value);
        Assert.Equal("ES256", claims.Alg);
    }

    [Fact]
    public async Task Token_AfterItsLifetime_IsRefused()
    {
        using var tokens = new DeviceTokens("9900000", TimeSpan.FromMinutes(5), _clock);
        var token = tokens.Issue("p-1");

        _clock.Advance(TimeSpan.FromMinutes(5) + TimeSpan.FromSeconds(1));

        Assert.Null(await tokens.ValidateAsync(token));
    }

    [Fact]
    public async Task Token_SignedByAnotherKey_IsRefused()
    {
        using var ours = new DeviceTokens("9900000", TimeSpan.FromHours(1), _clock);
        using var theirs = new DeviceTokens("9900000", TimeSpan.FromHours(1), _clock);

        Assert.Null(await ours.ValidateAsync(theirs.Issue("p-1")));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not-a-jwt")]
    [InlineData("eyJhbGciOiJub25lIn0.eyJwIjoicC0xIiwidiI6IlYzIn0.")]
    public async Task Garbage_IsRefused(string? token)
    {
        using var tokens = new DeviceTokens("9900000", TimeSpan.FromHours(1), _clock);

        Assert.Null(await tokens.ValidateAsync(token));
    }
}

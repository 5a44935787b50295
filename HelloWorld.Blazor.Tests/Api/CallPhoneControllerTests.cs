using System.Net;
using System.Net.Http.Json;
using HelloWorld.Blazor.Tests.TestDoubles;

namespace HelloWorld.Blazor.Tests.Api;

public sealed class CallPhoneControllerTests
{
    [Fact]
    public async Task Post_PlacesACallToTheConfiguredNumber()
    {
        await using var app = new AccountModeAppFactory();

        var response = await app.CreateClient().PostAsync("/callPhone", null);

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("+19195550123", Assert.Single(app.Voice.Created).To);
        var body = await response.Content.ReadFromJsonAsync<Dictionary<string, string>>();
        Assert.Equal("ringing", body!["state"]);
    }

    [Fact]
    public async Task Get_IsNotAllowed_BecauseALinkMustNotPlaceAPaidCall()
    {
        await using var app = new AccountModeAppFactory();

        var response = await app.CreateClient().GetAsync("/callPhone");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Empty(app.Voice.Created);
    }

    [Fact]
    public async Task Post_WithoutAnOutboundNumber_Gets400SayingWhatToConfigure()
    {
        await using var app = new AccountModeAppFactory();
        app.Settings["Bandwidth:OutboundPhoneNumber"] = null;

        var response = await app.CreateClient().PostAsync("/callPhone", null);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Bandwidth:OutboundPhoneNumber", await response.Content.ReadAsStringAsync());
        Assert.Empty(app.Voice.Created);
        Assert.Empty(app.WebRtc.Participants);
    }

    [Fact]
    public async Task Post_ToANumberNotOnTheAllowList_Gets403()
    {
        await using var app = new AccountModeAppFactory();

        var response = await app.CreateClient().PostAsJsonAsync("/callPhone", new { to = "+19005550199" });

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.Empty(app.Voice.Created);
    }

    [Fact]
    public async Task Post_TooOften_Gets429WithRetryAfter()
    {
        await using var app = new AccountModeAppFactory();
        app.Settings["PhoneCalls:MaxCallsPerClientPerMinute"] = "1";
        var client = app.CreateClient();
        await client.PostAsync("/callPhone", null);

        var response = await client.PostAsync("/callPhone", null);

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Single(app.Voice.Created);
    }

    [Fact]
    public async Task Post_WhenBandwidthRefuses_Gets502()
    {
        await using var app = new AccountModeAppFactory();
        app.Voice.FailNextCreate(new Blazor.Bandwidth.BandwidthApiException(HttpStatusCode.BadRequest, "createCall", "Invalid from number"));

        var response = await app.CreateClient().PostAsync("/callPhone", null);

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Empty(app.WebRtc.Participants);
    }
}

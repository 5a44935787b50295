using System.Net;
using System.Net.Http.Json;
using System.Text;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;

namespace HelloWorld.Blazor.Tests.Api;

public sealed class CallPhoneControllerTests
{
    [Fact]
    public async Task Post_PlacesACallToTheConfiguredNumber()
    {
        await using var app = new AccountModeAppFactory();

        var response = await app.CreateClient().PostAsJsonAsync("/callPhone", new { });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("+19195550123", Assert.Single(app.Voice.Created).To);
        var body = await response.Content.ReadFromJsonAsync<Dictionary<string, string>>();
        Assert.Equal("ringing", body!["state"]);
    }

    [Fact]
    public async Task Post_WithAnExplicitNumber_CallsThatNumber()
    {
        await using var app = new AccountModeAppFactory();
        app.Settings["Bandwidth:AllowedOutboundNumbers:0"] = "+19195550124";

        var response = await app.CreateClient().PostAsJsonAsync("/callPhone", new { to = "+19195550124" });

        Assert.Equal(HttpStatusCode.Accepted, response.StatusCode);
        Assert.Equal("+19195550124", Assert.Single(app.Voice.Created).To);
    }

    /// <summary>What a form on another site can send without a CORS preflight: none of it may place a call.</summary>
    [Theory]
    [InlineData("empty url-encoded form")]
    [InlineData("url-encoded form naming a number")]
    [InlineData("text/plain carrying JSON")]
    [InlineData("empty text/plain")]
    [InlineData("empty multipart form")]
    [InlineData("no body")]
    public async Task Post_ThatAFormOnAnotherSiteCouldSend_PlacesNoCall(string what)
    {
        await using var app = new AccountModeAppFactory();
        HttpContent? content = what switch
        {
            "empty url-encoded form" => new FormUrlEncodedContent([]),
            "url-encoded form naming a number" => new FormUrlEncodedContent([new("to", "+19195550123")]),
            "text/plain carrying JSON" => new StringContent("""{"to": "+19195550123"}""", Encoding.UTF8, "text/plain"),
            "empty text/plain" => new StringContent("", Encoding.UTF8, "text/plain"),
            "empty multipart form" => new MultipartFormDataContent(),
            _ => null,
        };

        var response = await app.CreateClient().PostAsync("/callPhone", content);

        Assert.True(response.StatusCode is HttpStatusCode.UnsupportedMediaType or HttpStatusCode.BadRequest, $"{what}: {response.StatusCode}");
        Assert.Empty(app.Voice.Created);
        Assert.Empty(app.WebRtc.Participants);
        Assert.Contains(app.Logs.GetSnapshot(), log => log.Level == LogLevel.Warning && log.Message.Contains("/callPhone"));
    }

    [Fact]
    public async Task Post_FormUrlEncoded_Gets415()
    {
        await using var app = new AccountModeAppFactory();

        var response = await app.CreateClient().PostAsync("/callPhone", new FormUrlEncodedContent([]));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
    }

    [Fact]
    public async Task Post_JsonWithoutABody_Gets400()
    {
        await using var app = new AccountModeAppFactory();

        var response = await app.CreateClient().PostAsync("/callPhone", new StringContent("", Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(app.Voice.Created);
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

        var response = await app.CreateClient().PostAsJsonAsync("/callPhone", new { });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("Bandwidth:OutboundPhoneNumber", await response.Content.ReadAsStringAsync());
        Assert.Empty(app.Voice.Created);
        Assert.Empty(app.WebRtc.Participants);
    }

    [Fact]
    public async Task Post_ToAnEmptyNumber_Gets400SayingItIsNotANumber()
    {
        await using var app = new AccountModeAppFactory();

        var response = await app.CreateClient().PostAsJsonAsync("/callPhone", new { to = "" });

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("E.164", await response.Content.ReadAsStringAsync());
        Assert.Empty(app.Voice.Created);
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
        app.Settings["Bandwidth:AllowedOutboundNumbers:0"] = "+19195550124";
        var client = app.CreateClient();
        await client.PostAsJsonAsync("/callPhone", new { });

        var response = await client.PostAsJsonAsync("/callPhone", new { to = "+19195550124" });

        Assert.Equal(HttpStatusCode.TooManyRequests, response.StatusCode);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Single(app.Voice.Created);
    }

    [Fact]
    public async Task Post_WhenTheConferenceIsFull_Gets409WithTheReason_AndPlacesNothing()
    {
        await using var app = new AccountModeAppFactory();
        app.Settings["Participants:MaxPerSession"] = "1";
        var client = app.CreateClient();
        await client.GetAsync("/connectionInfo");

        var response = await client.PostAsJsonAsync("/callPhone", new { });

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("The call is full (1 of 1).", await response.Content.ReadAsStringAsync());
        Assert.Empty(app.Voice.Created);
        Assert.Single(app.WebRtc.Participants);
    }

    /// <summary>Issue 12: with its answer webhook lost, a call stayed "in a call already" 13 minutes after a 30 s ring timeout.</summary>
    [Fact]
    public async Task Post_ToANumberWhoseLastCallsAnswerWebhookNeverCame_PlacesTheCall_OnceThatCallIsOverdue()
    {
        await using var app = new AccountModeAppFactory { Clock = new FakeTimeProvider() };
        var client = app.CreateClient();
        await client.PostAsJsonAsync("/callPhone", new { });
        Assert.Equal(HttpStatusCode.Conflict, (await client.PostAsJsonAsync("/callPhone", new { })).StatusCode);

        app.Clock.Advance(TimeSpan.FromSeconds(30 + 15));
        await app.Services.GetRequiredService<CallReconciler>().DrainAsync(default);
        var again = await client.PostAsJsonAsync("/callPhone", new { });

        Assert.Equal(HttpStatusCode.Accepted, again.StatusCode);
        Assert.Equal(2, app.Voice.Created.Count);
        Assert.Single(app.WebRtc.Participants); // the first call's participant was deleted
    }

    [Fact]
    public async Task Post_WhenBandwidthRefuses_Gets502()
    {
        await using var app = new AccountModeAppFactory();
        app.Voice.FailNextCreate(new Blazor.Bandwidth.BandwidthApiException(HttpStatusCode.BadRequest, "createCall", "Invalid from number"));

        var response = await app.CreateClient().PostAsJsonAsync("/callPhone", new { });

        Assert.Equal(HttpStatusCode.BadGateway, response.StatusCode);
        Assert.Empty(app.WebRtc.Participants);
    }
}

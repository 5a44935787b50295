using System.Net;
using System.Net.Http.Json;
using HelloWorld.Blazor.Api;
using HelloWorld.Blazor.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HelloWorld.Blazor.Tests.Api;

public sealed class ConnectionInfoControllerTests
{
    [Fact]
    public async Task Get_ReturnsANewBrowserParticipantsTokenAndTheNumbers_AndForbidsCaching()
    {
        await using var app = new AccountModeAppFactory();

        var response = await app.CreateClient().GetAsync("/connectionInfo");

        var info = await response.Content.ReadFromJsonAsync<ConnectionInfo>();
        var participant = Assert.Single(app.WebRtc.Participants);
        Assert.Equal($"token-for-{participant.Id}", info!.Token);
        Assert.Equal("+19195550100", info.VoiceApplicationPhoneNumber);
        Assert.Equal("+19195550123", info.OutboundPhoneNumber);
        Assert.Equal("hello-world-browser", participant.Tag);
        Assert.True(response.Headers.CacheControl?.NoStore);
        Assert.Equal(43, info.Lease.Length); // 32 random bytes, base64url
    }

    /// <summary>Issue 11: 30 a minute per client and a 1 h lifetime let one address hold ~1,800 live participants.</summary>
    [Fact]
    public async Task Get_BeyondMaxPerClient_Answers429WithAProblem_AndCreatesNothing()
    {
        await using var app = new AccountModeAppFactory();
        var client = app.CreateClient();
        for (var i = 0; i < 3; i++)
        {
            (await client.GetAsync("/connectionInfo")).EnsureSuccessStatusCode();
        }

        var refused = await client.GetAsync("/connectionInfo");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal("application/problem+json", refused.Content.Headers.ContentType?.MediaType);
        Assert.Contains("3 times already", await refused.Content.ReadAsStringAsync());
        Assert.Equal(3, app.WebRtc.Calls("createParticipant"));
    }

    [Fact]
    public async Task Get_WhenTheSessionIsFull_Answers503WithRetryAfter_AndCreatesNothing()
    {
        await using var app = new AccountModeAppFactory();
        app.Settings["Participants:MaxPerSession"] = "2";
        var client = app.CreateClient();
        await client.GetAsync("/connectionInfo");
        await client.GetAsync("/connectionInfo");

        var refused = await client.GetAsync("/connectionInfo");

        Assert.Equal(HttpStatusCode.ServiceUnavailable, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(30), refused.Headers.RetryAfter?.Delta);
        Assert.Contains("The call is full (2 of 2).", await refused.Content.ReadAsStringAsync());
        Assert.Equal(2, app.WebRtc.Calls("createParticipant"));
    }

    [Fact]
    public async Task Get_BeyondItsRate_Answers429WithRetryAfter()
    {
        await using var app = new AccountModeAppFactory { Clock = new FakeTimeProvider() };
        app.Settings["ConnectionInfo:MaxPerClientPerMinute"] = "2";
        app.Settings["Participants:MaxPerClient"] = "10";
        var client = app.CreateClient();
        await client.GetAsync("/connectionInfo");
        app.Clock.Advance(TimeSpan.FromSeconds(20));
        await client.GetAsync("/connectionInfo");

        var refused = await client.GetAsync("/connectionInfo");

        Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(40), refused.Headers.RetryAfter?.Delta);
        Assert.Equal(2, app.WebRtc.Calls("createParticipant"));
    }

    [Fact]
    public async Task Lease_RenewedBeforeItsLifetimeEnds_KeepsTheParticipant_UntilItIsNoLongerRenewed()
    {
        await using var app = new AccountModeAppFactory { Clock = new FakeTimeProvider() };
        app.Settings["ConnectionInfo:ParticipantLifetime"] = "00:30:00";
        var client = app.CreateClient();
        var info = await client.GetFromJsonAsync<ConnectionInfo>("/connectionInfo");

        app.Clock.Advance(TimeSpan.FromMinutes(29));
        var renewed = await client.PostAsJsonAsync("/connectionInfo/renew", new { lease = info!.Lease });
        app.Clock.Advance(TimeSpan.FromMinutes(29));

        Assert.Equal(HttpStatusCode.OK, renewed.StatusCode);
        Assert.Equal(app.Clock.GetUtcNow() + TimeSpan.FromMinutes(1), (await renewed.Content.ReadFromJsonAsync<LeaseRenewed>())!.LeaseExpiresAt);
        Assert.Single(app.WebRtc.Participants);
        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await app.Services.GetRequiredService<ConnectionInfoParticipants>().DrainAsync(default);
        Assert.Empty(app.WebRtc.Participants);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync("/connectionInfo/renew", new { lease = info.Lease })).StatusCode);
    }

    [Fact]
    public async Task Lease_Released_DeletesTheParticipantAtOnce_AndFreesItsPlace()
    {
        await using var app = new AccountModeAppFactory();
        app.Settings["Participants:MaxPerClient"] = "1";
        var client = app.CreateClient();
        var info = await client.GetFromJsonAsync<ConnectionInfo>("/connectionInfo");

        var released = await client.PostAsJsonAsync("/connectionInfo/release", new { lease = info!.Lease });

        Assert.Equal(HttpStatusCode.NoContent, released.StatusCode);
        Assert.Empty(app.WebRtc.Participants);
        Assert.Equal(HttpStatusCode.OK, (await client.GetAsync("/connectionInfo")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await client.PostAsJsonAsync("/connectionInfo/release", new { lease = info.Lease })).StatusCode);
    }

    [Theory]
    [InlineData("an invented lease")]
    [InlineData("a form")]
    [InlineData("no lease")]
    public async Task Lease_ThatHoldsNoParticipantOrIsNotJson_IsRefused(string what)
    {
        await using var app = new AccountModeAppFactory();
        var client = app.CreateClient();
        await client.GetAsync("/connectionInfo");

        var response = what switch
        {
            "an invented lease" => await client.PostAsJsonAsync("/connectionInfo/renew", new { lease = "bm90LWEtbGVhc2U" }),
            "a form" => await client.PostAsync("/connectionInfo/release", new FormUrlEncodedContent([new("lease", "x")])),
            _ => await client.PostAsJsonAsync("/connectionInfo/release", new { }),
        };

        Assert.Equal(what switch { "an invented lease" => HttpStatusCode.NotFound, "a form" => HttpStatusCode.UnsupportedMediaType, _ => HttpStatusCode.BadRequest },
            response.StatusCode);
        Assert.Single(app.WebRtc.Participants);
    }

    [Fact]
    public async Task Participant_IsDeletedOnceItsLifetimeIsOver()
    {
        await using var app = new AccountModeAppFactory { Clock = new FakeTimeProvider() };
        app.Settings["ConnectionInfo:ParticipantLifetime"] = "00:30:00";
        var client = app.CreateClient();
        await client.GetFromJsonAsync<ConnectionInfo>("/connectionInfo");
        var expiring = app.Services.GetRequiredService<ConnectionInfoParticipants>();

        app.Clock.Advance(TimeSpan.FromMinutes(29));
        Assert.Equal(0, app.WebRtc.Calls("deleteParticipant")); // an expiry starts its deletion within Advance
        Assert.Single(app.WebRtc.Participants);

        app.Clock.Advance(TimeSpan.FromMinutes(1));
        await expiring.DrainAsync(default);
        Assert.Empty(app.WebRtc.Participants);
        Assert.Equal(1, app.WebRtc.Calls("deleteParticipant"));
    }

    [Fact]
    public async Task Request_AbandonedWhileItsParticipantIsCreated_LeavesNoParticipant()
    {
        await using var app = new AccountModeAppFactory();
        var client = app.CreateClient();
        var creating = app.WebRtc.HoldNext("createParticipant");
        var deleting = app.WebRtc.HoldNext("deleteParticipant");
        using var abandon = new CancellationTokenSource();
        var request = client.GetAsync("/connectionInfo", abandon.Token);
        await creating.Entered;

        await abandon.CancelAsync(); // the test server aborts the request at once
        creating.Release();

        // Created after the client left, and deleted as soon as it exists: nobody holds its token.
        await deleting.Entered.WaitAsync(TimeSpan.FromSeconds(30)); // bounded so a leak fails rather than hangs
        Assert.Equal(1, app.WebRtc.Calls("createParticipant"));
        Assert.Equal(1, app.WebRtc.Calls("deleteParticipant"));
        deleting.Release();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
    }

    [Fact]
    public async Task Lifetime_OutOfRange_StopsTheAppNamingTheSetting()
    {
        await using var app = new AccountModeAppFactory();
        app.Settings["ConnectionInfo:ParticipantLifetime"] = "00:00:10";

        var error = Assert.ThrowsAny<Exception>(() => app.CreateClient());

        Assert.Contains("ConnectionInfo:ParticipantLifetime must be between one minute and one day", error.Message);
    }
}

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

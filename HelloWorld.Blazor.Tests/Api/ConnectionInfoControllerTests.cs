using System.Net.Http.Json;
using HelloWorld.Blazor.Api;
using HelloWorld.Blazor.Tests.TestDoubles;

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
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace HelloWorld.Emulator.Tests.WebRtc;

/// <summary>Bandwidth's documented WebRTC limits, kept by the emulated API (Emulator:Limits).</summary>
public sealed class WebRtcLimitsTests : IAsyncLifetime
{
    private EmulatorHost _emulator = null!;

    public async Task InitializeAsync() => _emulator = await EmulatorHost.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task AddParticipantToSession_ForThe21stParticipant_Answers409WithARequestError_AndDoesNotAddIt()
    {
        var session = await _emulator.CreateSessionAsync();
        for (var i = 0; i < 20; i++)
        {
            await _emulator.JoinAsync(session);
        }
        var last = await NewParticipantAsync();

        var response = await Put($"sessions/{session}/participants/{last}", $$"""{"sessionId": "{{session}}"}""");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Contains("limit of 20 participants", (string?)error["error"]);
        Assert.False(string.IsNullOrEmpty((string?)error["requestId"]));
        var members = (await _emulator.Api.GetFromJsonAsync<JsonArray>(_emulator.WebRtc($"sessions/{session}/participants")))!;
        Assert.Equal(20, members.Count);
        Assert.DoesNotContain(members, member => (string?)member!["id"] == last);
    }

    [Fact]
    public async Task AFullSession_TakesSomeoneAgain_OnceAPlaceFreesUp_AndAMemberMayStillChangeItsSubscriptions()
    {
        await using var emulator = await EmulatorHost.StartAsync(options => options.Limits.ParticipantsPerSession = 2);
        var session = await emulator.CreateSessionAsync();
        var (first, _) = await emulator.JoinAsync(session);
        await emulator.JoinAsync(session);
        var waiting = (string)(await (await emulator.Api.PostAsync(emulator.WebRtc("participants"), Json("{}"))).Content.ReadFromJsonAsync<JsonObject>())!["participant"]!["id"]!;

        var full = await emulator.Api.PutAsync(emulator.WebRtc($"sessions/{session}/participants/{waiting}"), Json("{}"));
        var again = await emulator.Api.PutAsync(emulator.WebRtc($"sessions/{session}/participants/{first}"), Json($$"""{"sessionId": "{{session}}"}"""));
        await emulator.Api.DeleteAsync(emulator.WebRtc($"participants/{first}"));
        var freed = await emulator.Api.PutAsync(emulator.WebRtc($"sessions/{session}/participants/{waiting}"), Json("{}"));

        Assert.Equal(HttpStatusCode.Conflict, full.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, again.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, freed.StatusCode);
    }

    [Theory]
    [InlineData("participants")]
    [InlineData("sessions")]
    public async Task Create_WithATagOver50Characters_Answers400WithARequestError(string resource)
    {
        var tooLong = await _emulator.Api.PostAsync(_emulator.WebRtc(resource), Json($$"""{"tag": "{{new string('t', 51)}}"}"""));
        var longest = await _emulator.Api.PostAsync(_emulator.WebRtc(resource), Json($$"""{"tag": "{{new string('t', 50)}}"}"""));

        Assert.Equal(HttpStatusCode.BadRequest, tooLong.StatusCode);
        var error = (await tooLong.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Contains("limited to 50 characters", (string?)error["error"]);
        Assert.False(string.IsNullOrEmpty((string?)error["requestId"]));
        Assert.Equal(HttpStatusCode.OK, longest.StatusCode);
    }

    private async Task<string> NewParticipantAsync() =>
        (string)(await (await _emulator.Api.PostAsync(_emulator.WebRtc("participants"), Json("""{"publishPermissions": ["AUDIO"]}"""))).Content
            .ReadFromJsonAsync<JsonObject>())!["participant"]!["id"]!;

    private Task<HttpResponseMessage> Put(string path, string json) => _emulator.Api.PutAsync(_emulator.WebRtc(path), Json(json));

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}

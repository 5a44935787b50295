using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using HelloWorld.Emulator.Tokens;
using Microsoft.Extensions.DependencyInjection;

namespace HelloWorld.Emulator.Tests.WebRtc;

/// <summary>The emulated WebRTC API against webrtc.yml: every operation, and every status it documents.</summary>
public sealed class WebRtcApiSpecTests : IAsyncLifetime
{
    private EmulatorHost _emulator = null!;

    public async Task InitializeAsync() => _emulator = await EmulatorHost.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task CreateParticipant_Answers200_WithTheParticipantAndAV3TokenNamingIt()
    {
        var response = await Post("participants", """{"publishPermissions": ["AUDIO"], "tag": "t1", "deviceApiVersion": "V3", "callbackUrl": "https://x.example"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = await Json(response);
        var participant = body["participant"]!;
        Assert.Equal(["AUDIO"], participant["publishPermissions"]!.AsArray().Select(p => (string?)p));
        Assert.Equal("t1", (string?)participant["tag"]);
        Assert.Equal("V3", (string?)participant["deviceApiVersion"]);
        Assert.Equal("https://x.example", (string?)participant["callbackUrl"]);
        Assert.Empty(participant["sessions"]!.AsArray());
        var tokens = _emulator.Services.GetRequiredService<DeviceTokens>();
        Assert.Equal((string?)participant["id"], await tokens.ValidateAsync((string?)body["token"]));
    }

    [Fact]
    public async Task CreateParticipant_WithoutABody_DefaultsToNoPermissionsAndV3()
    {
        var participant = (await Json(await Post("participants", null)))["participant"]!;

        Assert.Empty(participant["publishPermissions"]!.AsArray());
        Assert.Equal("V3", (string?)participant["deviceApiVersion"]);
    }

    [Theory]
    [InlineData("""{"publishPermissions": ["SCREEN"]}""")]
    [InlineData("""{"deviceApiVersion": "V2"}""")]
    [InlineData("""{"publishPermissions": "AUDIO"}""")]
    [InlineData("""{"tag": """)]
    public async Task CreateParticipant_WithABadBody_Answers400WithARequestError(string body)
    {
        var response = await Post("participants", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await Json(response);
        Assert.False(string.IsNullOrEmpty((string?)error["error"]));
        Assert.False(string.IsNullOrEmpty((string?)error["requestId"]));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("emulator:wrong-password")]
    [InlineData("someone:emulator-password")]
    public async Task AnyOperation_WithoutTheApiCredentials_Answers401(string? credentials)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _emulator.WebRtc("sessions"));
        request.Headers.Authorization = credentials is null ? null
            : new System.Net.Http.Headers.AuthenticationHeaderValue("Basic", Convert.ToBase64String(Encoding.UTF8.GetBytes(credentials)));
        using var client = new HttpClient { BaseAddress = new Uri(_emulator.BaseUrl) };

        var response = await client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("Unauthorized", (string?)(await Json(response))["message"]);
    }

    [Fact]
    public async Task AnyOperation_OnAnotherAccount_Answers403()
    {
        var response = await _emulator.Api.PostAsync("/emulator/webrtc/v1/accounts/1234567/sessions", null);

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        Assert.False(string.IsNullOrEmpty((string?)(await Json(response))["message"]));
    }

    [Fact]
    public async Task GetParticipant_Answers200_Then404OnceDeleted()
    {
        var id = await NewParticipantAsync();

        Assert.Equal(HttpStatusCode.OK, (await _emulator.Api.GetAsync(_emulator.WebRtc($"participants/{id}"))).StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, (await _emulator.Api.DeleteAsync(_emulator.WebRtc($"participants/{id}"))).StatusCode);
        var gone = await _emulator.Api.GetAsync(_emulator.WebRtc($"participants/{id}"));
        Assert.Equal(HttpStatusCode.NotFound, gone.StatusCode);
        Assert.Contains(id, (string?)(await Json(gone))["error"]);
        Assert.Equal(HttpStatusCode.NotFound, (await _emulator.Api.DeleteAsync(_emulator.WebRtc($"participants/{id}"))).StatusCode);
    }

    [Fact]
    public async Task Sessions_AreCreatedReadListedAndDeleted()
    {
        var created = await Json(await Post("sessions", """{"tag": "hello-world"}"""));
        var id = (string)created["id"]!;

        var read = await Json(await _emulator.Api.GetAsync(_emulator.WebRtc($"sessions/{id}")));
        var listed = await _emulator.Api.GetAsync(_emulator.WebRtc($"sessions/{id}/participants"));

        Assert.Equal("hello-world", (string?)created["tag"]);
        Assert.Equal(id, (string?)read["id"]);
        Assert.Equal(HttpStatusCode.OK, listed.StatusCode);
        Assert.Empty((await Json(listed)).AsArray());
        Assert.Equal(HttpStatusCode.NoContent, (await _emulator.Api.DeleteAsync(_emulator.WebRtc($"sessions/{id}"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _emulator.Api.GetAsync(_emulator.WebRtc($"sessions/{id}"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _emulator.Api.GetAsync(_emulator.WebRtc($"sessions/{id}/participants"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _emulator.Api.DeleteAsync(_emulator.WebRtc($"sessions/{id}"))).StatusCode);
    }

    [Fact]
    public async Task AddParticipantToSession_Answers204_AndTheParticipantIsListedWithItsSubscription()
    {
        var session = await NewSessionAsync();
        var participant = await NewParticipantAsync();

        var added = await Put($"sessions/{session}/participants/{participant}", $$"""{"sessionId": "{{session}}"}""");

        Assert.Equal(HttpStatusCode.NoContent, added.StatusCode);
        var listed = Assert.Single((await Json(await _emulator.Api.GetAsync(_emulator.WebRtc($"sessions/{session}/participants")))).AsArray())!;
        Assert.Equal(participant, (string?)listed["id"]);
        Assert.Equal([session], listed["sessions"]!.AsArray().Select(s => (string?)s));
        var subscriptions = await Json(await _emulator.Api.GetAsync(_emulator.WebRtc($"sessions/{session}/participants/{participant}/subscriptions")));
        Assert.Equal(session, (string?)subscriptions["sessionId"]);
    }

    [Fact]
    public async Task AddParticipantToSession_Twice_ListsItOnce_AndDeletingItLeavesTheSessionUsable()
    {
        var session = await NewSessionAsync();
        var participant = await NewParticipantAsync();
        await Put($"sessions/{session}/participants/{participant}", null);

        Assert.Equal(HttpStatusCode.NoContent, (await Put($"sessions/{session}/participants/{participant}", $$"""{"sessionId": "{{session}}"}""")).StatusCode);

        var listed = await _emulator.Api.GetAsync(_emulator.WebRtc($"sessions/{session}/participants"));
        Assert.Equal(participant, (string?)Assert.Single((await Json(listed)).AsArray())!["id"]);
        Assert.Equal(HttpStatusCode.NoContent, (await _emulator.Api.DeleteAsync(_emulator.WebRtc($"participants/{participant}"))).StatusCode);
        var afterDelete = await _emulator.Api.GetAsync(_emulator.WebRtc($"sessions/{session}/participants"));
        Assert.Equal(HttpStatusCode.OK, afterDelete.StatusCode);
        Assert.Empty((await Json(afterDelete)).AsArray());
        Assert.Equal(HttpStatusCode.NoContent, (await _emulator.Api.DeleteAsync(_emulator.WebRtc($"sessions/{session}"))).StatusCode);
    }

    [Fact]
    public async Task AddParticipantToSession_WhenTheSessionOrParticipantIsUnknown_Answers404()
    {
        var session = await NewSessionAsync();
        var participant = await NewParticipantAsync();

        Assert.Equal(HttpStatusCode.NotFound, (await Put($"sessions/nope/participants/{participant}", null)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await Put($"sessions/{session}/participants/nope", null)).StatusCode);
    }

    [Fact]
    public async Task AddParticipantToSession_WhenItIsInAnotherSession_Answers409()
    {
        var first = await NewSessionAsync();
        var second = await NewSessionAsync();
        var participant = await NewParticipantAsync();
        await Put($"sessions/{first}/participants/{participant}", null);

        var response = await Put($"sessions/{second}/participants/{participant}", null);

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        Assert.Contains("another session", (string?)(await Json(response))["error"]);
        Assert.Equal(HttpStatusCode.NoContent, (await Put($"sessions/{first}/participants/{participant}", null)).StatusCode);
    }

    [Fact]
    public async Task AddParticipantToSession_WithAMalformedBody_Answers400()
    {
        var session = await NewSessionAsync();
        var participant = await NewParticipantAsync();

        Assert.Equal(HttpStatusCode.BadRequest, (await Put($"sessions/{session}/participants/{participant}", "{not json")).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Put($"sessions/{session}/participants/{participant}", """{"participants": [{"streamAliases": ["a"]}]}""")).StatusCode);
    }

    [Fact]
    public async Task RemoveParticipantFromSession_Answers204_AndDropsItsSubscriptions_Then404()
    {
        var session = await NewSessionAsync();
        var participant = await NewParticipantAsync();
        await Put($"sessions/{session}/participants/{participant}", $$"""{"sessionId": "{{session}}"}""");

        Assert.Equal(HttpStatusCode.NoContent, (await _emulator.Api.DeleteAsync(_emulator.WebRtc($"sessions/{session}/participants/{participant}"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _emulator.Api.DeleteAsync(_emulator.WebRtc($"sessions/{session}/participants/{participant}"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _emulator.Api.GetAsync(_emulator.WebRtc($"sessions/{session}/participants/{participant}/subscriptions"))).StatusCode);
        var read = await Json(await _emulator.Api.GetAsync(_emulator.WebRtc($"participants/{participant}")));
        Assert.Empty(read["sessions"]!.AsArray());
    }

    [Fact]
    public async Task UpdateSubscriptions_ReplacesThem_AParticipantsListWinningOverTheSessionId()
    {
        var session = await NewSessionAsync();
        var participant = await NewParticipantAsync();
        var other = await NewParticipantAsync();
        await Put($"sessions/{session}/participants/{participant}", $$"""{"sessionId": "{{session}}"}""");

        var updated = await Put($"sessions/{session}/participants/{participant}/subscriptions",
            $$"""{"sessionId": "{{session}}", "participants": [{"participantId": "{{other}}", "streamAliases": ["mic"]}]}""");

        Assert.Equal(HttpStatusCode.NoContent, updated.StatusCode);
        var subscriptions = await Json(await _emulator.Api.GetAsync(_emulator.WebRtc($"sessions/{session}/participants/{participant}/subscriptions")));
        var entry = Assert.Single(subscriptions["participants"]!.AsArray())!;
        Assert.Equal(other, (string?)entry["participantId"]);
        Assert.Equal(["mic"], entry["streamAliases"]!.AsArray().Select(a => (string?)a));
        Assert.Equal(HttpStatusCode.NotFound, (await Put($"sessions/nope/participants/{participant}/subscriptions", null)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await Put($"sessions/{session}/participants/{participant}/subscriptions", "[")).StatusCode);
    }

    private Task<HttpResponseMessage> Post(string path, string? json) =>
        _emulator.Api.PostAsync(_emulator.WebRtc(path), json is null ? null : new StringContent(json, Encoding.UTF8, "application/json"));

    private Task<HttpResponseMessage> Put(string path, string? json) =>
        _emulator.Api.PutAsync(_emulator.WebRtc(path), json is null ? null : new StringContent(json, Encoding.UTF8, "application/json"));

    private async Task<string> NewParticipantAsync() =>
        (string)(await Json(await Post("participants", """{"publishPermissions": ["AUDIO"]}""")))["participant"]!["id"]!;

    private async Task<string> NewSessionAsync() => (string)(await Json(await Post("sessions", "{}")))["id"]!;

    private static async Task<JsonNode> Json(HttpResponseMessage response) => (await response.Content.ReadFromJsonAsync<JsonNode>())!;
}

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

    /// <summary>webrtc.yml's 11 operations: name, method, path ({s}: a session, {p}: a participant in it) and body.</summary>
    private static readonly (string Name, string Method, string Path, bool Documents404)[] Operations =
    [
        ("createParticipant", "POST", "participants", false),
        ("getParticipant", "GET", "participants/{p}", true),
        ("deleteParticipant", "DELETE", "participants/{p}", true),
        ("createSession", "POST", "sessions", false),
        ("getSession", "GET", "sessions/{s}", true),
        ("deleteSession", "DELETE", "sessions/{s}", true),
        ("listSessionParticipants", "GET", "sessions/{s}/participants", true),
        ("addParticipantToSession", "PUT", "sessions/{s}/participants/{p}", true),
        ("removeParticipantFromSession", "DELETE", "sessions/{s}/participants/{p}", true),
        ("getParticipantSubscriptions", "GET", "sessions/{s}/participants/{p}/subscriptions", true),
        ("updateParticipantSubscriptions", "PUT", "sessions/{s}/participants/{p}/subscriptions", true),
    ];

    public static TheoryData<string, int> EveryDocumentedErrorOfEveryOperation()
    {
        var cases = new TheoryData<string, int>();
        foreach (var operation in Operations)
        {
            foreach (var status in operation.Documents404 ? new[] { 401, 403, 404, 500 } : [401, 403, 500])
            {
                cases.Add(operation.Name, status);
            }
        }
        return cases;
    }

    [Theory]
    [MemberData(nameof(EveryDocumentedErrorOfEveryOperation))]
    public async Task EveryOperation_AnswersEachErrorItDocuments_WithTheSpecsErrorBody(string operationName, int status)
    {
        var operation = Operations.Single(o => o.Name == operationName);
        var session = await NewSessionAsync();
        var participant = await NewParticipantAsync();
        await Put($"sessions/{session}/participants/{participant}", $$"""{"sessionId": "{{session}}"}""");
        var path = operation.Path.Replace("{s}", status == 404 ? "no-such-session" : session, StringComparison.Ordinal)
            .Replace("{p}", status == 404 && !operation.Path.Contains("{s}", StringComparison.Ordinal) ? "no-such-participant" : participant, StringComparison.Ordinal);
        var url = status == 403 ? $"/emulator/webrtc/v1/accounts/1234567/{path}" : _emulator.WebRtc(path);
        using var request = new HttpRequestMessage(new HttpMethod(operation.Method), url);
        if (operation.Method is "POST" or "PUT")
        {
            request.Content = new StringContent("{}", Encoding.UTF8, "application/json");
        }
        using var client = new HttpClient { BaseAddress = new Uri(_emulator.BaseUrl) };
        request.Headers.Authorization = status == 401 ? EmulatorHost.Basic("emulator", "wrong-password") : _emulator.Api.DefaultRequestHeaders.Authorization;
        if (status == 500)
        {
            var fault = new JsonObject { ["pathPattern"] = url, ["method"] = operation.Method, ["status"] = 500, ["count"] = 1 };
            Assert.Equal(HttpStatusCode.Created, (await _emulator.Api.PostAsync("/emulator/control/faults", new StringContent(fault.ToJsonString(), Encoding.UTF8, "application/json"))).StatusCode);
        }

        var response = await client.SendAsync(request);

        Assert.Equal(status, (int)response.StatusCode);
        var error = await Json(response);
        if (status is 401 or 403)
        {
            Assert.False(string.IsNullOrEmpty((string?)error["message"]), error.ToJsonString()); // unauthorizedRequest, forbiddenRequest
        }
        else
        {
            Assert.False(string.IsNullOrEmpty((string?)error["error"]), error.ToJsonString()); // requestError
            Assert.False(string.IsNullOrEmpty((string?)error["requestId"]), error.ToJsonString());
        }
    }

    [Theory]
    [InlineData("""{"tag": """)]
    [InlineData("""{"tag": 42}""")]
    [InlineData("""["hello-world"]""")]
    public async Task CreateSession_WithABadBody_Answers400WithARequestError(string body)
    {
        var response = await Post("sessions", body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = await Json(response);
        Assert.False(string.IsNullOrEmpty((string?)error["error"]));
        Assert.False(string.IsNullOrEmpty((string?)error["requestId"]));
    }

    [Fact]
    public async Task GetSubscriptions_OfAParticipantAddedWithoutAny_Answers200WithAnEmptyObject_Not204()
    {
        var session = await NewSessionAsync();
        var participant = await NewParticipantAsync();
        await Put($"sessions/{session}/participants/{participant}", null);

        var response = await _emulator.Api.GetAsync(_emulator.WebRtc($"sessions/{session}/participants/{participant}/subscriptions"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("{}", (await Json(response)).ToJsonString());
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

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using HelloWorld.Emulator.Voice;
using HelloWorld.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;

namespace HelloWorld.Emulator.Tests.Voice;

/// <summary>The emulated Voice API against voice.yml: createCall's validation and answer, updateCall's transitions.</summary>
public sealed class VoiceApiTests : IAsyncLifetime
{
    private EmulatorHost _emulator = null!;

    private CallEngine Calls => _emulator.Services.GetRequiredService<CallEngine>();

    public async Task InitializeAsync() => _emulator = await EmulatorHost.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task CreateCall_Answers201_WithTheCallAndItsUrl_AndRingsTheSimulatedPhone()
    {
        var response = await CreateCall(CallBody(credentials: true));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        var call = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        var callId = (string)call["callId"]!;
        Assert.Matches("^c-[0-9a-f]{8}-[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", callId);
        Assert.Equal(response.Headers.Location?.ToString(), (string?)call["callUrl"]);
        Assert.EndsWith($"/accounts/9900000/calls/{callId}", (string?)call["callUrl"]);
        Assert.Equal("*****", (string?)call["password"]);
        Assert.Equal(30, (double)call["callTimeout"]!);
        Assert.Equal(CallPhase.Ringing, Calls.Find(callId)!.Phase);
    }

    [Theory]
    [InlineData("""{"from": "+19195550100", "applicationId": "em-voice-application", "answerUrl": "https://a.example/answer"}""", "required")]
    [InlineData("""{"to": "19195550123", "from": "+19195550100", "applicationId": "em-voice-application", "answerUrl": "https://a.example/answer"}""", "Invalid to")]
    [InlineData("""{"to": "+19195550123", "from": "+12025550000", "applicationId": "em-voice-application", "answerUrl": "https://a.example/answer"}""", "Invalid from")]
    [InlineData("""{"to": "+19195550123", "from": "+19195550100", "applicationId": "other-app", "answerUrl": "https://a.example/answer"}""", "does not exist")]
    [InlineData("""{"to": "+19195550123", "from": "+19195550100", "applicationId": "em-voice-application", "answerUrl": "ftp://a.example/answer"}""", "Invalid answerUrl")]
    [InlineData("""{"to": "+19195550123", "from": "+19195550100", "applicationId": "em-voice-application", "answerUrl": "http://a.example/answer", "username": "u", "password": "p"}""", "https")]
    [InlineData("""{"to": "+19195550123", "from": "+19195550100", "applicationId": "em-voice-application", "answerUrl": "https://a.example/answer", "callTimeout": 0.5}""", "callTimeout")]
    [InlineData("""{"to": "+19195550123", "from": "+19195550100", "applicationId": "em-voice-application", "answerUrl": "https://a.example/answer", "callbackTimeout": 30}""", "callbackTimeout")]
    [InlineData("""{"to": "+19195550123", "from": "+19195550100", "applicationId": "em-voice-application", "answerUrl": "https://a.example/answer", "priority": 9}""", "priority")]
    [InlineData("""{"to": "+19195550123" """, "not valid JSON")]
    [InlineData("""{"to": "+19195550123", "from": "+19195550100", "applicationId": "em-voice-application", "answerUrl": "https://a.example/answer", "answerMethod": "PUT"}""", "answerMethod")]
    [InlineData("""{"to": "+19195550123", "from": "+19195550100", "applicationId": "em-voice-application", "answerUrl": "https://a.example/answer", "disconnectMethod": "get"}""", "disconnectMethod")]
    [InlineData("""{"to": "+19195550123", "from": "+19195550100", "applicationId": "em-voice-application", "answerUrl": "https://a.example/answer", "answerFallbackMethod": "DELETE"}""", "answerFallbackMethod")]
    [InlineData("""{"to": "+19195550123", "from": "+19195550100", "applicationId": "em-voice-application", "answerUrl": "https://a.example/answer", "answerFallbackUrl": "not a url"}""", "Invalid answerFallbackUrl")]
    [InlineData("""{"to": "+19195550123", "from": "+19195550100", "applicationId": "em-voice-application", "answerUrl": "https://a.example/answer", "answerFallbackUrl": "http://b.example/answer", "fallbackUsername": "u", "fallbackPassword": "p"}""", "answerFallbackUrl must use https")]
    [InlineData("""{"to": "sip:a@b.example", "from": "+19195550100", "applicationId": "em-voice-application", "answerUrl": "https://a.example/answer", "uui": "aGVsbG8="}""", "encoding")]
    [InlineData("""{"to": "sip:a@b.example", "from": "+19195550100", "applicationId": "em-voice-application", "answerUrl": "https://a.example/answer", "uui": "aGVsbG8=;encoding=hex"}""", "encoding")]
    [InlineData("""{"to": "sip:a@b.example", "from": "+19195550100", "applicationId": "em-voice-application", "answerUrl": "https://a.example/answer", "uui": "a.b.c;encoding=jwt,;encoding=base64"}""", "encoding")]
    public async Task CreateCall_BreakingTheSpec_Answers400WithAVoiceApiError(string body, string reason)
    {
        var response = await CreateCall(body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal("validation", (string?)error["type"]);
        Assert.Contains(reason, (string?)error["description"]);
        Assert.False(string.IsNullOrEmpty((string?)error["id"]));
        Assert.Empty(Calls.Calls);
    }

    [Fact]
    public async Task CreateCall_WithAUuiOver350Characters_Answers400()
    {
        var uui = new string('a', 338) + ";encoding=jwt"; // 351 characters
        var body = JsonNode.Parse(CallBody())!.AsObject();
        body["uui"] = uui;

        var response = await CreateCall(body.ToJsonString());

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("350", (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["description"]);
    }

    [Fact]
    public async Task CreateCall_WithAUuiOfJwtAndBase64Values_IsAccepted()
    {
        var body = JsonNode.Parse(CallBody())!.AsObject();
        body["uui"] = "eyJhbGciOiJIUzI1NiJ9.WyJoaSJd.-znkjYyCkgz4djmHUPSXl9YrJ6Nix_XvmlwKGFh5ERM;encoding=jwt,aGVsbG8gd29ybGQ=;encoding=base64";

        Assert.Equal(HttpStatusCode.Created, (await CreateCall(body.ToJsonString())).StatusCode);
    }

    [Fact]
    public async Task CreateCall_EchoesItsFallbackSettings_WithTheFallbackPasswordMasked()
    {
        var body = JsonNode.Parse(CallBody())!.AsObject();
        body["answerFallbackUrl"] = "https://b.example/answer";
        body["answerFallbackMethod"] = "GET";
        body["fallbackUsername"] = "fallback-user";
        body["fallbackPassword"] = "fallback-secret";

        var call = (await (await CreateCall(body.ToJsonString())).Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal("https://b.example/answer", (string?)call["answerFallbackUrl"]);
        Assert.Equal("GET", (string?)call["answerFallbackMethod"]);
        Assert.Equal("fallback-user", (string?)call["fallbackUsername"]);
        Assert.Equal("*****", (string?)call["fallbackPassword"]);
        Assert.Equal("POST", (string?)call["answerMethod"]);
    }

    [Theory]
    [InlineData("calls", "text/plain")]
    [InlineData("calls", "application/x-www-form-urlencoded")]
    [InlineData("calls/{callId}", "text/xml")]
    public async Task AnOperation_WithABodyThatIsNotJson_Answers415WithAVoiceApiError(string path, string contentType)
    {
        var callId = await PlaceCallAsync();
        var body = path == "calls" ? CallBody() : """{"state": "completed"}""";

        var response = await _emulator.Api.PostAsync(_emulator.Voice(path.Replace("{callId}", callId, StringComparison.Ordinal)),
            new StringContent(body, Encoding.UTF8, contentType));

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        await AssertVoiceApiErrorAsync(response);
        Assert.Single(Calls.Calls);
        Assert.Equal(CallPhase.Ringing, Calls.Find(callId)!.Phase);
    }

    [Fact]
    public async Task CreateCall_WhenRateLimited_Answers429WithRetryAfterAndAVoiceApiError()
    {
        var fault = """{"pathPattern": "**/calls", "method": "POST", "status": 429, "retryAfterSeconds": 3, "count": 1}""";
        await _emulator.Api.PostAsync("/emulator/control/faults", new StringContent(fault, Encoding.UTF8, "application/json"));

        var limited = await CreateCall(CallBody());
        var next = await CreateCall(CallBody());

        Assert.Equal(HttpStatusCode.TooManyRequests, limited.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(3), limited.Headers.RetryAfter?.Delta);
        await AssertVoiceApiErrorAsync(limited);
        Assert.Equal(HttpStatusCode.Created, next.StatusCode);
        Assert.Single(Calls.Calls);
    }

    [Fact]
    public async Task CreateCall_WithGetMethods_SendsTheAnswerAndDisconnectWebhooksAsGetsWithTheirFieldsInTheQuery()
    {
        _emulator.AnswerBxml("/callAnswered", "<Response><Hangup/></Response>");
        var body = JsonNode.Parse(CallBody())!.AsObject();
        body["answerMethod"] = "GET";
        body["disconnectMethod"] = "GET";
        var callId = (string)(await (await CreateCall(body.ToJsonString())).Content.ReadFromJsonAsync<JsonObject>())!["callId"]!;

        Calls.Answer(callId);

        var disconnect = await Eventually.HoldsAsync(() => _emulator.Webhooks.FirstOrDefault(w => w.Path == "/callStatus"), w => w is not null, "the disconnect webhook");
        var answer = _emulator.Webhooks.Single(w => w.Path == "/callAnswered");
        Assert.Equal(("GET", ""), (answer.Method, answer.Body));
        var answerFields = QueryHelpers.ParseQuery(answer.Query);
        Assert.Equal("answer", answerFields["eventType"].ToString());
        Assert.Equal(callId, answerFields["callId"].ToString());
        Assert.Equal("+19195550123", answerFields["to"].ToString());
        Assert.Equal("outbound", answerFields["direction"].ToString());
        Assert.Equal("t", answerFields["tag"].ToString());
        Assert.Equal("GET", disconnect!.Method);
        Assert.Equal("hangup", QueryHelpers.ParseQuery(disconnect.Query)["cause"].ToString());
        Assert.Equal("hangup", Calls.Find(callId)!.Cause);
    }

    [Fact]
    public async Task CreateCall_WhenTheAnswerUrlFails_SendsTheAnswerWebhookToTheFallbackUrl_WithTheFallbackCredentials()
    {
        _emulator.AppAnswers["/callAnswered"] = (context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Task.CompletedTask;
        };
        _emulator.AnswerBxmlWithBasicAuth("/fallbackAnswered", "fallback-user", "fallback-secret",
            "<Response><SpeakSentence>From the fallback.</SpeakSentence><Hangup/></Response>");
        var body = JsonNode.Parse(CallBody())!.AsObject();
        body["answerFallbackUrl"] = $"{_emulator.BaseUrl}/fallbackAnswered";
        body["fallbackUsername"] = "fallback-user";
        body["fallbackPassword"] = "fallback-secret";
        var callId = (string)(await (await CreateCall(body.ToJsonString())).Content.ReadFromJsonAsync<JsonObject>())!["callId"]!;

        Calls.Answer(callId);

        var call = await Eventually.HoldsAsync(() => Calls.Find(callId)!, c => c.Phase == CallPhase.Completed, "the call to end");
        Assert.Equal("hangup", call.Cause);
        Assert.Equal(["From the fallback."], call.Heard);
        var answers = call.Webhooks.Where(w => w.EventType == "answer").ToList();
        Assert.Equal([503, 200], answers.Select(w => w.Status));
        Assert.EndsWith("/fallbackAnswered", answers[1].Url);
        Assert.True(answers[1].Authenticated);
    }

    [Fact]
    public async Task UpdateCall_Active_RedirectsAnAnsweredCall_ToTheBxmlTheRedirectUrlAnswers_WithTheNewTag()
    {
        _emulator.AnswerBxml("/callAnswered", """<Response><SpeakSentence>Please hold.</SpeakSentence><Pause duration="300"/></Response>""");
        _emulator.AnswerBxml("/redirected", "<Response><SpeakSentence>You were redirected.</SpeakSentence><Hangup/></Response>");
        var callId = await PlaceCallAsync();
        Calls.Answer(callId);
        await Eventually.HoldsAsync(() => Calls.Find(callId)!, c => c.Heard.Count == 1, "the first sentence");

        var response = await UpdateCall(callId, $$"""{"state": "active", "redirectUrl": "{{_emulator.BaseUrl}}/redirected", "tag": "moved"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var call = await Eventually.HoldsAsync(() => Calls.Find(callId)!, c => c.Phase == CallPhase.Completed, "the redirected call to end");
        Assert.Equal(["Please hold.", "You were redirected."], call.Heard);
        Assert.Equal("hangup", call.Cause);
        var redirect = JsonNode.Parse(_emulator.Webhooks.Single(w => w.Path == "/redirected").Body)!;
        Assert.Equal("redirect", (string?)redirect["eventType"]);
        Assert.Equal(callId, (string?)redirect["callId"]);
        Assert.Equal("moved", (string?)redirect["tag"]);
        Assert.NotNull(redirect["answerTime"]);
    }

    [Fact]
    public async Task UpdateCall_Active_WithRedirectMethodGet_SendsTheRedirectWebhookAsAGet()
    {
        _emulator.AnswerBxml("/callAnswered", """<Response><Pause duration="300"/></Response>""");
        _emulator.AnswerBxml("/redirected", "<Response><Hangup/></Response>");
        var callId = await PlaceCallAsync();
        Calls.Answer(callId);
        await Eventually.HoldsAsync(() => _emulator.Webhooks.Any(w => w.Path == "/callAnswered"), sent => sent, "the answer webhook");

        await UpdateCall(callId, $$"""{"state": "active", "redirectUrl": "{{_emulator.BaseUrl}}/redirected", "redirectMethod": "GET"}""");

        await Eventually.HoldsAsync(() => Calls.Find(callId)!, c => c.Phase == CallPhase.Completed, "the redirected call to end");
        var redirect = _emulator.Webhooks.Single(w => w.Path == "/redirected");
        Assert.Equal("GET", redirect.Method);
        Assert.Equal("redirect", QueryHelpers.ParseQuery(redirect.Query)["eventType"].ToString());
    }

    [Fact]
    public async Task UpdateCall_Active_OnACallThatStillRings_Answers409()
    {
        var callId = await PlaceCallAsync();

        var response = await UpdateCall(callId, $$"""{"state": "active", "redirectUrl": "{{_emulator.BaseUrl}}/redirected"}""");

        Assert.Equal(HttpStatusCode.Conflict, response.StatusCode);
        await AssertVoiceApiErrorAsync(response);
        Assert.DoesNotContain(_emulator.Webhooks, w => w.Path == "/redirected");
        Assert.Equal(CallPhase.Ringing, Calls.Find(callId)!.Phase);
    }

    [Fact]
    public async Task CreateCall_WithCredentialsOverHttpToALoopbackApp_IsAllowed()
    {
        var response = await CreateCall(CallBody(answerUrl: "http://127.0.0.1:5270/callAnswered", credentials: true));

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
    }

    [Fact]
    public async Task UpdateCall_Completed_CancelsARingingCall()
    {
        var callId = await PlaceCallAsync();

        var response = await UpdateCall(callId, """{"state": "completed"}""");

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var call = await Eventually.HoldsAsync(() => Calls.Find(callId)!, c => c.Phase == CallPhase.Completed, "the call to end");
        Assert.Equal("cancel", call.Cause);
    }

    [Fact]
    public async Task UpdateCall_ForAnUnknownOrEndedCall_Answers404()
    {
        var callId = await PlaceCallAsync();
        await UpdateCall(callId, """{"state": "completed"}""");
        await Eventually.HoldsAsync(() => Calls.Find(callId)!, c => c.Phase == CallPhase.Completed, "the call to end");

        Assert.Equal(HttpStatusCode.NotFound, (await UpdateCall(callId, """{"state": "completed"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await UpdateCall("c-00000000-00000000-0000-0000-0000-000000000000", """{"state": "completed"}""")).StatusCode);
    }

    [Theory]
    [InlineData("""{"state": "completed", "redirectUrl": "https://a.example/redirect"}""")]
    [InlineData("""{"state": "completed", "redirectMethod": "GET"}""")]
    [InlineData("""{"state": "active"}""")]
    [InlineData("""{"state": "active", "redirectUrl": "ftp://a.example/redirect"}""")]
    [InlineData("""{"state": "active", "redirectUrl": "https://a.example/redirect", "redirectMethod": "PATCH"}""")]
    [InlineData("""{"state": "active", "redirectUrl": "https://a.example/redirect", "redirectFallbackUrl": "nope"}""")]
    [InlineData("""{"state": "paused"}""")]
    [InlineData("""{"state": """)]
    public async Task UpdateCall_WithAnInvalidBody_Answers400(string body)
    {
        var callId = await PlaceCallAsync();

        Assert.Equal(HttpStatusCode.BadRequest, (await UpdateCall(callId, body)).StatusCode);
        Assert.Equal(CallPhase.Ringing, Calls.Find(callId)!.Phase);
    }

    [Theory]
    [InlineData("calls")]
    [InlineData("calls/c-00000000-00000000-0000-0000-0000-000000000000")]
    public async Task AnOperation_WithoutTheApiCredentials_Answers401WithAVoiceApiError(string path)
    {
        using var client = new HttpClient { BaseAddress = new Uri(_emulator.BaseUrl) };
        client.DefaultRequestHeaders.Authorization = EmulatorHost.Basic("emulator", "wrong-password");

        var response = await client.PostAsync(_emulator.Voice(path), new StringContent(CallBody(), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        await AssertVoiceApiErrorAsync(response);
        Assert.Empty(Calls.Calls);
    }

    [Theory]
    [InlineData("calls")]
    [InlineData("calls/c-00000000-00000000-0000-0000-0000-000000000000")]
    public async Task AnOperation_OnAnotherAccount_Answers403WithAVoiceApiError(string path)
    {
        var response = await _emulator.Api.PostAsync($"/emulator/voice/api/v2/accounts/1234567/{path}",
            new StringContent(CallBody(), Encoding.UTF8, "application/json"));

        Assert.Equal(HttpStatusCode.Forbidden, response.StatusCode);
        await AssertVoiceApiErrorAsync(response);
        Assert.Empty(Calls.Calls);
    }

    private static async Task AssertVoiceApiErrorAsync(HttpResponseMessage response)
    {
        var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.False(string.IsNullOrEmpty((string?)error["type"]), error.ToJsonString());
        Assert.False(string.IsNullOrEmpty((string?)error["description"]), error.ToJsonString());
        Assert.False(string.IsNullOrEmpty((string?)error["id"]), error.ToJsonString());
        Assert.Null(error["message"]);
    }

    private async Task<string> PlaceCallAsync() =>
        (string)(await (await CreateCall(CallBody())).Content.ReadFromJsonAsync<JsonObject>())!["callId"]!;

    private Task<HttpResponseMessage> CreateCall(string body) =>
        _emulator.Api.PostAsync(_emulator.Voice("calls"), new StringContent(body, Encoding.UTF8, "application/json"));

    private Task<HttpResponseMessage> UpdateCall(string callId, string body) =>
        _emulator.Api.PostAsync(_emulator.Voice($"calls/{callId}"), new StringContent(body, Encoding.UTF8, "application/json"));

    private string CallBody(string? answerUrl = null, bool credentials = false) => $$"""
        {"to": "+19195550123", "from": "+19195550100", "applicationId": "em-voice-application",
         "answerUrl": "{{answerUrl ?? _emulator.BaseUrl + "/callAnswered"}}", "disconnectUrl": "{{_emulator.BaseUrl}}/callStatus",
         "tag": "t" {{(credentials ? ", \"username\": \"u\", \"password\": \"p\"" : "")}}}
        """;
}

using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using HelloWorld.Emulator.Voice;
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
        var call = await _emulator.EventuallyAsync(() => Calls.Find(callId)!, c => c.Phase == CallPhase.Completed, "the call to end");
        Assert.Equal("cancel", call.Cause);
    }

    [Fact]
    public async Task UpdateCall_ForAnUnknownOrEndedCall_Answers404()
    {
        var callId = await PlaceCallAsync();
        await UpdateCall(callId, """{"state": "completed"}""");
        await _emulator.EventuallyAsync(() => Calls.Find(callId)!, c => c.Phase == CallPhase.Completed, "the call to end");

        Assert.Equal(HttpStatusCode.NotFound, (await UpdateCall(callId, """{"state": "completed"}""")).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await UpdateCall("c-00000000-00000000-0000-0000-0000-000000000000", """{"state": "completed"}""")).StatusCode);
    }

    [Theory]
    [InlineData("""{"state": "completed", "redirectUrl": "https://a.example/redirect"}""")]
    [InlineData("""{"state": "active"}""")]
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

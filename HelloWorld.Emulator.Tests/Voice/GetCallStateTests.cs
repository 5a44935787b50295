using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;
using HelloWorld.Emulator.Voice;
using HelloWorld.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace HelloWorld.Emulator.Tests.Voice;

/// <summary>voice.yml's getCallState (GET /accounts/{accountId}/calls/{callId}): every status it documents the emulator can give.</summary>
public sealed class GetCallStateTests : IAsyncLifetime
{
    private EmulatorHost _emulator = null!;

    private CallEngine Calls => _emulator.Services.GetRequiredService<CallEngine>();

    public async Task InitializeAsync() => _emulator = await EmulatorHost.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task APlacedCall_IsInitiated_ThenAnswered_ThenDisconnectedWithItsCause_InTheSpecsCallStateShape()
    {
        _emulator.AnswerBxml("/callAnswered", """<Response><Pause duration="300"/></Response>""");
        var placed = (await (await _emulator.Api.PostAsync(_emulator.Voice("calls"), Json($$"""
            {"to": "+19195550123", "from": "+19195550100", "applicationId": "em-voice-application", "answerUrl": "{{_emulator.BaseUrl}}/callAnswered"}
            """))).Content.ReadFromJsonAsync<JsonObject>())!;
        var callId = (string)placed["callId"]!;

        var ringing = await GetAsync(callId);
        Calls.Answer(callId);
        await Eventually.HoldsAsync(() => Calls.Find(callId)!, call => call.Webhooks.Count == 1, "the answer webhook");
        var answered = await GetAsync(callId);
        Calls.HangUp(callId);
        var disconnected = await GetAsync(callId);

        Assert.Equal(HttpStatusCode.OK, ringing.Status);
        Assert.Equal(("initiated", "answered", "disconnected"),
            ((string?)ringing.Body["state"], (string?)answered.Body["state"], (string?)disconnected.Body["state"]));
        var body = disconnected.Body;
        Assert.Equal((callId, "9900000", "em-voice-application", "outbound", "+19195550123", "+19195550100"),
            ((string?)body["callId"], (string?)body["accountId"], (string?)body["applicationId"], (string?)body["direction"], (string?)body["to"], (string?)body["from"]));
        Assert.Equal("hangup", (string?)body["disconnectCause"]);
        Assert.NotNull(body["startTime"]);
        Assert.NotNull(body["answerTime"]);
        Assert.NotNull(body["endTime"]);
        Assert.Equal((string?)body["endTime"], (string?)body["lastUpdate"]);
        foreach (var nullable in new[] { "parentCallId", "stirShaken", "identity", "errorMessage", "errorId" })
        {
            Assert.True(body.ContainsKey(nullable), $"{nullable} is written (as null)");
            Assert.Null(body[nullable]);
        }
        Assert.Null(ringing.Body["answerTime"]);
    }

    [Fact]
    public async Task ACallThatEndedWithAnError_ShowsItsMessageAndTheSameErrorIdAsItsDisconnectWebhook()
    {
        var call = Calls.DialIn("+19195550124"); // the "app" answers 204 without BXML: invalid-bxml
        await Eventually.HoldsAsync(() => _emulator.Webhooks.FirstOrDefault(w => w.Path == "/callStatus"), w => w is not null, "the disconnect webhook");

        var state = (await GetAsync(call.CallId)).Body;

        Assert.Equal(("disconnected", "inbound", "invalid-bxml"), ((string?)state["state"], (string?)state["direction"], (string?)state["disconnectCause"]));
        Assert.False(string.IsNullOrEmpty((string?)state["errorMessage"]));
        Assert.Equal((string?)JsonNode.Parse(_emulator.Webhooks.First(w => w.Path == "/callStatus").Body)!["errorId"], (string?)state["errorId"]);
        Assert.Null(state["enqueuedTime"]);
    }

    [Fact]
    public async Task AnUnknownCall_Answers404WithAVoiceApiError()
    {
        var (status, body) = await GetAsync("c-00000000-00000000-0000-0000-0000-000000000000");

        Assert.Equal(HttpStatusCode.NotFound, status);
        Assert.Equal("not-found", (string?)body["type"]);
        Assert.Contains("c-00000000-00000000-0000-0000-0000-000000000000", (string?)body["description"]);
        Assert.False(string.IsNullOrEmpty((string?)body["id"]));
    }

    [Fact]
    public async Task WithoutTheApiCredentials_OnAnotherAccount_OrFaulted_ItAnswers401_403_500WithAVoiceApiError()
    {
        using var stranger = new HttpClient { BaseAddress = new Uri(_emulator.BaseUrl) };
        stranger.DefaultRequestHeaders.Authorization = EmulatorHost.Basic("emulator", "wrong-password");

        var unauthorized = await stranger.GetAsync(_emulator.Voice("calls/c-1"));
        var forbidden = await _emulator.Api.GetAsync("/emulator/voice/api/v2/accounts/1234567/calls/c-1");
        await _emulator.Api.PostAsync("/emulator/control/faults", Json("""{"pathPattern": "**/calls/*", "method": "GET", "status": 500, "count": 1}"""));
        var faulted = await _emulator.Api.GetAsync(_emulator.Voice("calls/c-1"));

        Assert.Equal((HttpStatusCode.Unauthorized, HttpStatusCode.Forbidden, HttpStatusCode.InternalServerError),
            (unauthorized.StatusCode, forbidden.StatusCode, faulted.StatusCode));
        foreach (var response in new[] { unauthorized, forbidden, faulted })
        {
            var error = (await response.Content.ReadFromJsonAsync<JsonObject>())!;
            Assert.False(string.IsNullOrEmpty((string?)error["type"]), error.ToJsonString());
            Assert.False(string.IsNullOrEmpty((string?)error["description"]), error.ToJsonString());
        }
    }

    private async Task<(HttpStatusCode Status, JsonObject Body)> GetAsync(string callId)
    {
        using var response = await _emulator.Api.GetAsync(_emulator.Voice($"calls/{callId}"));
        return (response.StatusCode, (await response.Content.ReadFromJsonAsync<JsonObject>())!);
    }

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}

using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace HelloWorld.Emulator.Tests.Control;

public sealed class ControlApiTests : IAsyncLifetime
{
    private EmulatorHost _emulator = null!;

    public async Task InitializeAsync() => _emulator = await EmulatorHost.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task Fault_WithACount_AnswersThatManyMatchingRequests_ThenTheRealThing()
    {
        await AddFault("""{"pathPattern": "**/sessions", "method": "POST", "status": 503, "retryAfterSeconds": 2, "count": 2}""");

        var first = await CreateSession();
        var second = await CreateSession();
        var third = await CreateSession();
        var other = await _emulator.Api.PostAsync(_emulator.WebRtc("participants"), null);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, first.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), first.Headers.RetryAfter?.Delta);
        Assert.Equal(HttpStatusCode.ServiceUnavailable, second.StatusCode);
        Assert.Equal(HttpStatusCode.OK, third.StatusCode);
        Assert.Equal(HttpStatusCode.OK, other.StatusCode);
    }

    [Fact]
    public async Task Fault_WithAProbability_AffectsAboutThatShare()
    {
        await AddFault("""{"pathPattern": "**/sessions", "status": 429, "probability": 0.5}""");

        var statuses = new List<HttpStatusCode>();
        for (var i = 0; i < 200; i++)
        {
            statuses.Add((await CreateSession()).StatusCode);
        }

        var faulted = statuses.Count(status => status == HttpStatusCode.TooManyRequests);
        Assert.InRange(faulted, 60, 140);
        Assert.Equal(200 - faulted, statuses.Count(status => status == HttpStatusCode.OK));
    }

    [Fact]
    public async Task Fault_WithOnlyADelay_DelaysTheRealAnswer()
    {
        await AddFault("""{"pathPattern": "**/sessions", "delayMs": 300, "count": 1}""");
        var clock = Stopwatch.StartNew();

        var response = await CreateSession();

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.True(clock.ElapsedMilliseconds >= 280, $"answered after {clock.ElapsedMilliseconds} ms");
    }

    [Fact]
    public async Task DeleteFaults_StopsThem()
    {
        await AddFault("""{"pathPattern": "/", "status": 500}""");
        Assert.Equal(HttpStatusCode.InternalServerError, (await CreateSession()).StatusCode);

        await _emulator.Api.DeleteAsync("/emulator/control/faults");

        Assert.Equal(HttpStatusCode.OK, (await CreateSession()).StatusCode);
    }

    [Theory]
    [InlineData("""{"status": 503}""")]
    [InlineData("""{"pathPattern": "/x"}""")]
    [InlineData("""{"pathPattern": "^/emulator/", "status": 503}""")]
    [InlineData("""{"pathPattern": "/x", "status": 503, "probability": 2}""")]
    [InlineData("""{"kind": "transfer"}""")]
    [InlineData("""{"kind": "transfer", "cause": "error", "pathPattern": "/"}""")]
    [InlineData("""{"kind": "transfer", "cause": ""}""")]
    [InlineData("""{"kind": "calls", "status": 503, "pathPattern": "/"}""")]
    [InlineData("""{"pathPattern": "/", "status": 503, "cause": "error"}""")]
    public async Task Fault_ThatMakesNoSense_IsRefused(string rule) =>
        Assert.Equal(HttpStatusCode.BadRequest, (await _emulator.Api.PostAsync("/emulator/control/faults", Json(rule))).StatusCode);

    [Fact]
    public async Task RequestLog_RecordsEveryApiCall_WithStatusAndDuration_AndCanBeCleared()
    {
        await CreateSession();
        await _emulator.Api.GetAsync(_emulator.WebRtc("sessions/nope"));

        var log = (await _emulator.Api.GetFromJsonAsync<JsonArray>("/emulator/control/requests"))!;

        Assert.Equal(["POST 200", "GET 404"], log.Select(entry => $"{entry!["method"]} {entry["status"]}"));
        Assert.All(log, entry => Assert.True((double)entry!["durationMs"]! >= 0));
        await _emulator.Api.DeleteAsync("/emulator/control/requests");
        Assert.Empty((await _emulator.Api.GetFromJsonAsync<JsonArray>("/emulator/control/requests"))!);
    }

    [Fact]
    public async Task DialIn_FromAPhone_ShowsTheCall()
    {
        var response = await _emulator.Api.PostAsync("/emulator/control/calls", Json("""{"from": "+19195550124"}"""));
        var call = (await response.Content.ReadFromJsonAsync<JsonObject>())!;

        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal("inbound", (string?)call["direction"]);
        var calls = (await _emulator.Api.GetFromJsonAsync<JsonArray>("/emulator/control/calls"))!;
        Assert.Contains(calls, c => (string?)c!["callId"] == (string?)call["callId"]);
        Assert.Equal(HttpStatusCode.BadRequest, (await _emulator.Api.PostAsync("/emulator/control/calls", Json("{}"))).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await _emulator.Api.PostAsync("/emulator/control/calls/c-nope/hangup", null)).StatusCode);
    }

    [Theory]
    [InlineData("19195550124")]
    [InlineData("+0195550124")]
    [InlineData("+1919555012412345")]
    [InlineData("Anonymous")]
    [InlineData("+1 919 555 0124")]
    [InlineData("+19195550124\n")]
    public async Task DialIn_FromSomethingThatIsNotAnE164Number_IsRefused(string from)
    {
        var response = await _emulator.Api.PostAsync("/emulator/control/calls", Json(new JsonObject { ["from"] = from }.ToJsonString()));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Contains("E.164", (string?)(await response.Content.ReadFromJsonAsync<JsonObject>())!["error"]);
        Assert.Empty((await _emulator.Api.GetFromJsonAsync<JsonArray>("/emulator/control/calls"))!);
    }

    [Fact]
    public async Task BadRequests_GetALogLine_OnTheControlApiAndTheEmulatedApisAlike()
    {
        await _emulator.Api.PostAsync("/emulator/control/calls", Json("""{"from": "nobody"}"""));
        await _emulator.Api.PostAsync(_emulator.WebRtc("sessions"), Json("{not json"));

        var lines = _emulator.Logs.GetSnapshot().Select(line => line.Message).ToList();
        Assert.Contains("Control API refused POST /emulator/control/calls with 400", lines);
        Assert.Contains(lines, line => line.StartsWith($"Emulator answered POST {_emulator.WebRtc("sessions")} with 400", StringComparison.Ordinal));
    }

    [Fact]
    public async Task GetCall_AnswersThatCall_Or404()
    {
        var first = (await (await _emulator.Api.PostAsync("/emulator/control/calls", Json("""{"from": "+19195550124"}"""))).Content.ReadFromJsonAsync<JsonObject>())!;
        await _emulator.Api.PostAsync("/emulator/control/calls", Json("""{"from": "+19195550123"}"""));

        var read = await _emulator.Api.GetAsync($"/emulator/control/calls/{first["callId"]}");
        var missing = await _emulator.Api.GetAsync("/emulator/control/calls/c-nope");

        Assert.Equal(HttpStatusCode.OK, read.StatusCode);
        var call = (await read.Content.ReadFromJsonAsync<JsonObject>())!;
        Assert.Equal((string?)first["callId"], (string?)call["callId"]);
        Assert.Equal("+19195550124", (string?)call["from"]);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
        Assert.Contains("c-nope", (string?)(await missing.Content.ReadFromJsonAsync<JsonObject>())!["error"]);
    }

    private Task<HttpResponseMessage> CreateSession() => _emulator.Api.PostAsync(_emulator.WebRtc("sessions"), Json("{}"));

    private async Task AddFault(string rule) =>
        Assert.Equal(HttpStatusCode.Created, (await _emulator.Api.PostAsync("/emulator/control/faults", Json(rule))).StatusCode);

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}

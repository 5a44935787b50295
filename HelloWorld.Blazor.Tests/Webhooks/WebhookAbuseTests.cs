using System.Net;
using System.Xml.Linq;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;

namespace HelloWorld.Blazor.Tests.Webhooks;

/// <summary>
/// Malformed and hostile webhooks, on a real server. Every case gets a 4xx or a correct, idempotent 2xx; never a 500.
/// After each, the app still serves a genuine webhook and what it stored is intact.
/// </summary>
public sealed class WebhookAbuseTests : IAsyncLifetime
{
    private const string CallId = VoiceWebhookPayloads.CallId;
    private AccountModeAppFactory _app = null!;
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _app = AccountModeAppFactory.OnKestrel();
        _client = _app.Client();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _app.DisposeAsync();
    }

    public static TheoryData<string, string, string, int> MalformedRequests => new()
    {
        // path, content type, body, expected status
        { "/incomingCall", "text/plain", VoiceWebhookPayloads.Initiate(), 415 },
        { "/incomingCall", "application/xml", "<initiate/>", 415 },
        { "/incomingCall", "application/x-www-form-urlencoded", "callId=c-1", 415 },
        { "/callStatus", "text/html", VoiceWebhookPayloads.Disconnect(), 415 },
        { "/incomingCall", "application/json", "", 400 },
        { "/incomingCall", "application/json", "{", 400 },
        { "/incomingCall", "application/json", "not json", 400 },
        { "/incomingCall", "application/json", "[]", 400 },
        { "/incomingCall", "application/json", "\"initiate\"", 400 },
        { "/incomingCall", "application/json", "null", 400 },
        { "/incomingCall", "application/json", "42", 400 },
        { "/incomingCall", "application/json", """{"eventType": "initiate", "callId": 12345}""", 400 },
        { "/incomingCall", "application/json", """{"eventType": "initiate", "callId": ["c-1"]}""", 400 },
        { "/incomingCall", "application/json", """{"eventType": "initiate", "callId": "c-1", "eventTime": "yesterday"}""", 400 },
        { "/incomingCall", "application/json", """{"eventType": "initiate", "callId": "c-1", "from": {"number": "+1"}}""", 400 },
        { "/incomingCall", "application/json", """{"eventType": "initiate", "from": "+15555555555"}""", 400 },
        { "/incomingCall", "application/json", """{"eventType": "initiate", "callId": ""}""", 400 },
        { "/incomingCall", "application/json", """{"eventType": "initiate", "callId": "   "}""", 400 },
        { "/incomingCall", "application/json", """{"eventType": "initiate", "callId": "c-1<script>"}""", 400 },
        { "/incomingCall", "application/json", """{"eventType": "initiate", "callId": "c-1\u0000\u0007"}""", 400 },
        { "/incomingCall", "application/json", """{"eventType": "initiate", "callId": "../../etc/passwd"}""", 400 },
        { "/incomingCall", "application/json", """{"eventType": "answer", "callId": "c-1"}""", 400 },
        { "/callAnswered", "application/json", """{"eventType": "disconnect", "callId": "c-1"}""", 400 },
        { "/callAnswered", "application/json", "{}", 400 },
        { "/callStatus", "application/json", """{"eventType": "disconnect"}""", 400 },
        { "/callStatus", "application/json", "[1,2,3]", 400 },
        { "/incomingCall", "application/json", new string('[', 5000) + new string(']', 5000), 400 },
        { "/incomingCall", "application/json", """{"eventType": "initiate", "callId": "c-1", "startTime": 1700000000}""", 400 },
    };

    [Theory]
    [MemberData(nameof(MalformedRequests))]
    public async Task MalformedWebhook_IsRefusedWithA4xx_AndChangesNothing(string path, string contentType, string body, int status)
    {
        var before = Snapshot();

        var response = await _client.PostWebhookAsync(path, body, contentType: contentType);

        Assert.Equal(status, (int)response.StatusCode);
        Assert.Equal(before, Snapshot());
        Assert.Contains(_app.Logs.GetSnapshot(), log => log.Level == Microsoft.Extensions.Logging.LogLevel.Warning && log.Message.Contains(path, StringComparison.Ordinal));
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task CallIdOf10Kilobytes_IsRefused()
    {
        var response = await _client.PostWebhookAsync("/incomingCall", VoiceWebhookPayloads.Initiate(callId: "c-" + new string('a', 10_000)));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Empty(_app.WebRtc.Participants);
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task BodyOf1Megabyte_IsRefusedAsTooLarge()
    {
        var huge = VoiceWebhookPayloads.Initiate().Replace("\"direction\"", $"\"padding\": \"{new string('x', 1_000_000)}\", \"direction\"", StringComparison.Ordinal);

        var response = await _client.PostWebhookAsync("/incomingCall", huge);

        Assert.Equal(HttpStatusCode.RequestEntityTooLarge, response.StatusCode);
        Assert.Empty(_app.WebRtc.Participants);
        Assert.Contains(_app.Logs.GetSnapshot(), log => log.Message.Contains("Refused POST /incomingCall with 413", StringComparison.Ordinal));
        await AssertStillServingAsync();
    }

    [Fact]
    public async Task GetOnAWebhookPath_IsNotAServerError()
    {
        var response = await _client.GetAsync("/incomingCall");

        Assert.InRange((int)response.StatusCode, 400, 499);
    }

    [Theory]
    [InlineData("<script>alert(1)</script>")]
    [InlineData("\"/><Hangup/><x a=\"")]
    [InlineData("+1555\u0000\u0007\u001b[31m")]
    [InlineData("Anonymous 😀 &amp; ]]>")]
    public async Task MarkupAndControlCharactersInFromToAndTag_ComeOutAsWellFormedTransferBxml(string hostile)
    {
        var json = VoiceWebhookPayloads.Initiate().Replace("\"+15555555555\"", System.Text.Json.JsonSerializer.Serialize(hostile), StringComparison.Ordinal)
            .Replace("\"+19195550100\"", System.Text.Json.JsonSerializer.Serialize(hostile), StringComparison.Ordinal);

        var response = await _client.PostWebhookAsync("/incomingCall", json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bxml = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Equal(["Transfer"], bxml.Elements().Select(e => e.Name.LocalName));
        Assert.Equal(hostile, Calls.Find(CallId)!.From);
    }

    [Fact]
    public async Task MarkupInTheTagOfAnAnswer_IsHarmless()
    {
        var call = await _app.Services.GetRequiredService<IPhoneCallService>().CallAsync(null);
        var answer = VoiceWebhookPayloads.Answer(call.CallId).Replace("\"hello-world\"", "\"</Response><Hangup/>\"", StringComparison.Ordinal);

        var response = await _client.PostWebhookAsync("/callAnswered", answer);

        var bxml = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Equal(["SpeakSentence", "Transfer"], bxml.Elements().Select(e => e.Name.LocalName));
    }

    [Fact]
    public async Task TheSameInitiateTwiceAtOnce_CreatesOneParticipant_AndAnswersBothAlike()
    {
        var responses = await Task.WhenAll(Enumerable.Range(0, 5).Select(_ => _client.PostWebhookAsync("/incomingCall", VoiceWebhookPayloads.Initiate())));
        var bodies = await Task.WhenAll(responses.Select(r => r.Content.ReadAsStringAsync()));

        Assert.All(responses, response => Assert.Equal(HttpStatusCode.OK, response.StatusCode));
        Assert.Single(bodies.Distinct());
        Assert.Single(_app.WebRtc.Participants);
    }

    [Fact]
    public async Task DisconnectBeforeAnswer_ThenTheAnswer_HangsUpAndLeavesNoParticipant()
    {
        var call = await _app.Services.GetRequiredService<IPhoneCallService>().CallAsync(null);

        var disconnected = await _client.PostWebhookAsync("/callStatus", VoiceWebhookPayloads.Disconnect(call.CallId, cause: "cancel"));
        var answered = await _client.PostWebhookAsync("/callAnswered", VoiceWebhookPayloads.Answer(call.CallId));

        Assert.Equal(HttpStatusCode.NoContent, disconnected.StatusCode);
        var bxml = XDocument.Parse(await answered.Content.ReadAsStringAsync()).Root!;
        Assert.Equal(["SpeakSentence", "Hangup"], bxml.Elements().Select(e => e.Name.LocalName));
        Assert.Empty(_app.WebRtc.Participants);
        Assert.Equal("cancel", Calls.Find(call.CallId)!.EndCause);
    }

    [Fact]
    public async Task DisconnectForAnUnknownCall_IsAcknowledged()
    {
        var response = await _client.PostWebhookAsync("/callStatus", VoiceWebhookPayloads.Disconnect("c-00000000-00000000-0000-0000-0000-000000000000"));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(Calls.Calls);
    }

    [Fact]
    public async Task TheSameDisconnectTwice_IsIdempotent()
    {
        await _client.PostWebhookAsync("/incomingCall", VoiceWebhookPayloads.Initiate());

        var first = await _client.PostWebhookAsync("/callStatus", VoiceWebhookPayloads.Disconnect(cause: "hangup"));
        var second = await _client.PostWebhookAsync("/callStatus", VoiceWebhookPayloads.Disconnect(cause: "error"));

        Assert.Equal(HttpStatusCode.NoContent, first.StatusCode);
        Assert.Equal(HttpStatusCode.NoContent, second.StatusCode);
        Assert.Equal("hangup", Calls.Find(CallId)!.EndCause);
        Assert.Empty(_app.WebRtc.Participants);
        Assert.Equal(1, _app.WebRtc.Calls("deleteParticipant"));
    }

    [Fact]
    public async Task UnknownFields_AreIgnored()
    {
        var json = VoiceWebhookPayloads.Initiate().Replace("\"direction\"", "\"somethingNew\": {\"deep\": [1, 2]}, \"direction\"", StringComparison.Ordinal);

        Assert.Equal(HttpStatusCode.OK, (await _client.PostWebhookAsync("/incomingCall", json)).StatusCode);
    }

    private CallRegistry Calls => _app.Services.GetRequiredService<CallRegistry>();

    private string Snapshot() =>
        $"{_app.WebRtc.Participants.Count}/{_app.WebRtc.Sessions.Count}/{string.Join(",", Calls.Calls.Select(c => $"{c.CallId}:{c.State}"))}";

    /// <summary>A genuine dial-in still works: the app kept serving.</summary>
    private async Task AssertStillServingAsync()
    {
        var callId = $"c-{Guid.NewGuid():N}".Substring(0, 30);
        var response = await _client.PostWebhookAsync("/incomingCall", VoiceWebhookPayloads.Initiate(callId: callId));
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(CallState.Joining, Calls.Find(callId)!.State);
    }
}

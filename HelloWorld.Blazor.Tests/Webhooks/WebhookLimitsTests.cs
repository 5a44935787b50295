using System.Net;
using System.Text.Json;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Tests.TestDoubles;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HelloWorld.Blazor.Tests.Webhooks;

/// <summary>What a webhook may carry (numbers and ids no longer than Bandwidth's), and how it must be sent (POST).</summary>
public sealed class WebhookLimitsTests : IAsyncLifetime
{
    private readonly AccountModeAppFactory _app = new();
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _client = _app.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    public static TheoryData<string, string, string, string> TooLong => new()
    {
        // route, field, value, what the refusal names
        { "/incomingCall", "from", "+1" + new string('5', 60_000), "from" },
        { "/incomingCall", "from", new string('5', 33), "from" },
        { "/incomingCall", "to", new string('5', 33), "to" },
        { "/incomingCall", "callId", "c-" + new string('a', 63), "callId" },
        { "/incomingCall", "callId", "c-15ac29a2\n", "callId" },
        { "/callStatus", "cause", new string('x', 65), "cause" },
        { "/callStatus", "eventType", new string('x', 65), "eventType" },
        { "/transferDisconnect", "parentCallId", "c-" + new string('a', 63), "parentCallId" },
    };

    [Theory]
    [MemberData(nameof(TooLong))]
    public async Task Webhook_WithAFieldLongerThanBandwidthSends_IsRefusedWith400AndAProblemBody_AndLogged(string route, string field, string value, string named)
    {
        var payload = JsonSerializer.Deserialize<Dictionary<string, object?>>(VoiceWebhookPayloads.Initiate())!;
        payload["eventType"] = route switch { "/callStatus" => "disconnect", "/transferDisconnect" => "transferDisconnect", _ => "initiate" };
        payload[field] = value;

        var response = await _client.PostWebhookAsync(route, JsonSerializer.Serialize(payload));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains($"The {named} ", await response.Content.ReadAsStringAsync());
        Assert.Empty(_app.WebRtc.Participants);
        Assert.Empty(_app.Services.GetRequiredService<ICallRegistry>().Calls);
        Assert.Contains(_app.Logs.GetSnapshot(), log => log.Level == LogLevel.Warning && log.Message.StartsWith($"Rejected a Voice webhook to {route}", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Webhook_WithFieldsAtBandwidthsLimits_IsTaken()
    {
        var callId = "c-" + new string('a', 62);
        var json = VoiceWebhookPayloads.Initiate(callId: callId, from: "+" + new string('1', 31));

        var response = await _client.PostWebhookAsync("/incomingCall", json);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(32, _app.Services.GetRequiredService<ICallRegistry>().Find(callId)!.From.Length);
    }

    [Theory]
    [InlineData("/incomingCall")]
    [InlineData("/callAnswered")]
    [InlineData("/callStatus")]
    [InlineData("/transferAnswer")]
    [InlineData("/transferComplete")]
    [InlineData("/transferDisconnect")]
    public async Task Get_OnAWebhookRoute_Answers405_AndLogsThatTheVoiceApplicationMustUsePost(string route)
    {
        var response = await _client.GetAsync($"{route}?eventType=initiate&callId=c-1");

        Assert.Equal(HttpStatusCode.MethodNotAllowed, response.StatusCode);
        Assert.Equal(["POST"], response.Content.Headers.Allow);
        Assert.Contains("must use POST", await response.Content.ReadAsStringAsync());
        Assert.Contains(_app.Logs.GetSnapshot(), log => log.Level == LogLevel.Warning &&
            log.Message.Contains($"GET {route}", StringComparison.Ordinal) && log.Message.Contains("callback method to POST", StringComparison.Ordinal));
        Assert.Empty(_app.WebRtc.Participants);
    }
}

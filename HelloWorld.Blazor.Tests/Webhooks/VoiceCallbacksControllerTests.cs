using System.Net;
using System.Xml.Linq;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Tests.TestDoubles;
using HelloWorld.Blazor.Webhooks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace HelloWorld.Blazor.Tests.Webhooks;

public sealed class VoiceCallbacksControllerTests : IAsyncLifetime
{
    private readonly AccountModeAppFactory _app = new();
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _client = _app.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    [Fact]
    public async Task IncomingCall_AnswersTransferBxmlCarryingTheNewParticipantsToken()
    {
        var response = await _client.PostWebhookAsync("/incomingCall", VoiceWebhookPayloads.Initiate());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/xml", response.Content.Headers.ContentType?.MediaType);
        var participant = Assert.Single(_app.WebRtc.Participants);
        Assert.Equal("hello-world-phone", participant.Tag);
        var sipUri = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!.Element("Transfer")!.Element("SipUri")!;
        Assert.Equal("sip:sipx.webrtc.bandwidth.com:5060", sipUri.Value);
        Assert.Equal($"15ac29a21331029c2cb04a07b215b22865662d85;encoding=base64,token-for-{participant.Id};encoding=jwt", sipUri.Attribute("uui")!.Value);
        var call = _app.Services.GetRequiredService<ICallRegistry>().Find(VoiceWebhookPayloads.CallId)!;
        Assert.Equal((CallDirection.Inbound, "+15555555555", CallState.Joining), (call.Direction, call.From, call.State));
    }

    // A line per webhook only to say it arrived was measurable CPU on every dial-in (bench/README.md, the design floor).
    [Fact]
    public async Task DialIn_LogsItsOutcomesAtInformation_AndItsWebhooksArrivalOnlyBelowIt()
    {
        await _client.PostWebhookAsync("/incomingCall", VoiceWebhookPayloads.Initiate());
        await _client.PostWebhookAsync("/transferAnswer", VoiceWebhookPayloads.TransferAnswer());

        var logs = _app.Logs.GetSnapshot();
        Assert.Contains(logs, log => log.Level == LogLevel.Information && log.Message.Contains("joined the session (Bandwidth reported its transfer answered)"));
        Assert.DoesNotContain(logs, log => log.Level >= LogLevel.Information && log.Message.StartsWith("Voice webhook ", StringComparison.Ordinal));
    }

    [Fact]
    public async Task IncomingCall_AsksBandwidthToReportTheTransfer_ToTheTransferRoutes_WithTheWebhookCredentials()
    {
        var response = await _client.PostWebhookAsync("/incomingCall", VoiceWebhookPayloads.Initiate());

        var transfer = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!.Element("Transfer")!;
        var sipUri = transfer.Element("SipUri")!;
        Assert.Equal("https://app.example.com/transferComplete", transfer.Attribute("transferCompleteUrl")?.Value);
        Assert.Equal("POST", transfer.Attribute("transferCompleteMethod")?.Value);
        Assert.Equal("https://app.example.com/transferAnswer", sipUri.Attribute("transferAnswerUrl")?.Value);
        Assert.Equal("https://app.example.com/transferDisconnect", sipUri.Attribute("transferDisconnectUrl")?.Value);
        Assert.Equal("POST", sipUri.Attribute("transferDisconnectMethod")?.Value);
        Assert.All(new[] { transfer, sipUri }, element => Assert.Equal(
            (AccountModeAppFactory.CallbackUsername, AccountModeAppFactory.CallbackPassword),
            (element.Attribute("username")?.Value, element.Attribute("password")?.Value)));
    }

    [Fact]
    public async Task IncomingCall_SentTwice_CreatesOneParticipantAndAnswersTheSame()
    {
        var first = await (await _client.PostWebhookAsync("/incomingCall", VoiceWebhookPayloads.Initiate())).Content.ReadAsStringAsync();
        var second = await (await _client.PostWebhookAsync("/incomingCall", VoiceWebhookPayloads.Initiate())).Content.ReadAsStringAsync();

        Assert.Single(_app.WebRtc.Participants);
        Assert.Equal(first, second);
    }

    [Fact]
    public async Task DialIn_ThenDisconnect_LeavesNoParticipantBehind()
    {
        await _client.PostWebhookAsync("/incomingCall", VoiceWebhookPayloads.Initiate());

        var response = await _client.PostWebhookAsync("/callStatus", VoiceWebhookPayloads.Disconnect());
        await DrainBackgroundWorkAsync();

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        Assert.Empty(_app.WebRtc.Participants);
        Assert.Equal("hangup", _app.Services.GetRequiredService<ICallRegistry>().Find(VoiceWebhookPayloads.CallId)!.EndCause);
    }

    [Fact]
    public async Task OutboundCall_Answered_SpeaksThenTransfers_AndDisconnectLeavesNoParticipant()
    {
        var call = await _app.Services.GetRequiredService<IPhoneCallService>().CallAsync(null);

        var answered = await _client.PostWebhookAsync("/callAnswered", VoiceWebhookPayloads.Answer(call.CallId));
        var bxml = XDocument.Parse(await answered.Content.ReadAsStringAsync()).Root!;
        var disconnected = await _client.PostWebhookAsync("/callStatus", VoiceWebhookPayloads.Disconnect(call.CallId));
        await DrainBackgroundWorkAsync();

        Assert.Equal(["SpeakSentence", "Transfer"], bxml.Elements().Select(e => e.Name.LocalName));
        Assert.Equal("Thank you. Connecting you to your conference now.", bxml.Element("SpeakSentence")!.Value);
        Assert.Equal("julie", bxml.Element("SpeakSentence")!.Attribute("voice")!.Value);
        Assert.EndsWith($"token-for-{call.ParticipantId};encoding=jwt", bxml.Element("Transfer")!.Element("SipUri")!.Attribute("uui")!.Value);
        Assert.Equal(HttpStatusCode.NoContent, disconnected.StatusCode);
        Assert.Empty(_app.WebRtc.Participants);
    }

    [Fact]
    public async Task Disconnect_IsAnsweredWithoutWaitingForBandwidthToDeleteTheParticipant()
    {
        await _client.PostWebhookAsync("/incomingCall", VoiceWebhookPayloads.Initiate());
        var deleting = _app.WebRtc.HoldNext("deleteParticipant");

        // Bounded only so that a disconnect that waits for the held deletion fails instead of hanging the run.
        var response = await _client.PostWebhookAsync("/callStatus", VoiceWebhookPayloads.Disconnect()).WaitAsync(TimeSpan.FromSeconds(30));

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        await deleting.Entered;
        Assert.Single(_app.WebRtc.Participants); // still being deleted
        Assert.Equal(CallState.Ended, _app.Services.GetRequiredService<ICallRegistry>().Find(VoiceWebhookPayloads.CallId)!.State);
        deleting.Release();
        await DrainBackgroundWorkAsync();
        Assert.Empty(_app.WebRtc.Participants);
    }

    [Fact]
    public async Task IncomingCall_AfterItsDisconnect_HangsUpAndCreatesNoParticipant()
    {
        await _client.PostWebhookAsync("/callStatus", VoiceWebhookPayloads.Disconnect());

        var response = await _client.PostWebhookAsync("/incomingCall", VoiceWebhookPayloads.Initiate());

        var bxml = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Equal(["Hangup"], bxml.Elements().Select(e => e.Name.LocalName));
        Assert.Empty(_app.WebRtc.Participants);
    }

    [Fact]
    public async Task CallAnswered_ForAnUnknownCall_ApologisesAndHangsUp_AndLogsAWarning()
    {
        var response = await _client.PostWebhookAsync("/callAnswered", VoiceWebhookPayloads.Answer("c-ffffffff-ffffffff-ffff-ffff-ffff-ffffffffffff"));

        var bxml = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(["SpeakSentence", "Hangup"], bxml.Elements().Select(e => e.Name.LocalName));
        Assert.Contains(_app.Logs.GetSnapshot(), log => log.Level == Microsoft.Extensions.Logging.LogLevel.Warning && log.Message.Contains("unknown call"));
    }

    [Fact]
    public async Task IncomingCall_WhenBandwidthFails_ApologisesAndHangsUpRatherThanLeavingSilence()
    {
        _app.WebRtc.FailNext("createParticipant", new Blazor.Bandwidth.BandwidthUnavailableException("createParticipant", "timed out"));

        var response = await _client.PostWebhookAsync("/incomingCall", VoiceWebhookPayloads.Initiate());

        var bxml = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(VoiceCallbacksController.ApologySentence, bxml.Element("SpeakSentence")!.Value);
        Assert.NotNull(bxml.Element("Hangup"));
    }

    [Fact]
    public async Task IncomingCall_WhenSomethingUnexpectedFails_StillApologisesAndHangsUp_AndLogsTheError()
    {
        _app.WebRtc.FailNext("createParticipant", new InvalidOperationException("a bug"));

        var response = await _client.PostWebhookAsync("/incomingCall", VoiceWebhookPayloads.Initiate());

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bxml = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Equal(VoiceCallbacksController.ApologySentence, bxml.Element("SpeakSentence")!.Value);
        Assert.NotNull(bxml.Element("Hangup"));
        Assert.Contains(_app.Logs.GetSnapshot(), log => log.Level == Microsoft.Extensions.Logging.LogLevel.Error && log.Exception is InvalidOperationException);
    }

    [Fact]
    public async Task IncomingCall_BeyondMaxActiveCalls_ApologisesAndHangsUp_AndLogsIt()
    {
        await using var app = new AccountModeAppFactory();
        app.Settings["PhoneCalls:MaxActiveCalls"] = "1";
        var client = app.CreateClient();
        await client.PostWebhookAsync("/incomingCall", VoiceWebhookPayloads.Initiate());

        var response = await client.PostWebhookAsync("/incomingCall", VoiceWebhookPayloads.Initiate(callId: "c-25ac29a2-1331029c-2cb0-4a07-b215-b22865662d85"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var bxml = XDocument.Parse(await response.Content.ReadAsStringAsync()).Root!;
        Assert.Equal(VoiceCallbacksController.ApologySentence, bxml.Element("SpeakSentence")!.Value);
        Assert.NotNull(bxml.Element("Hangup"));
        Assert.Single(app.WebRtc.Participants);
        Assert.Contains(app.Logs.GetSnapshot(), log => log.Level == Microsoft.Extensions.Logging.LogLevel.Warning && log.Message.Contains("PhoneCalls:MaxActiveCalls"));
    }

    [Fact]
    public async Task CallStatus_ForAnyOtherEvent_IsAcknowledged()
    {
        var response = await _client.PostWebhookAsync("/callStatus",
            """{"eventType": "someFutureEvent", "callId": "c-15ac29a2-1331029c-2cb0-4a07-b215-b22865662d85"}""");

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
    }

    [Theory]
    [InlineData("/incomingCall", """{"eventType": "initiate", "from": "+15555555555"}""")]
    [InlineData("/callAnswered", """{"eventType": "answer"}""")]
    [InlineData("/callStatus", """{"eventType": "disconnect", "cause": "hangup"}""")]
    [InlineData("/incomingCall", """{"eventType": "initiate", "callId": ""}""")]
    [InlineData("/incomingCall", """{"eventType": "initiate", "callId": 42}""")]
    [InlineData("/incomingCall", """{"eventType": "initiate", "callId": "c-1", """)]
    [InlineData("/incomingCall", "")]
    [InlineData("/callAnswered", """{"eventType": "initiate", "callId": "c-15ac29a2-1331029c-2cb0-4a07-b215-b22865662d85"}""")]
    public async Task MalformedWebhook_Gets400ProblemDetails(string path, string body)
    {
        var response = await _client.PostWebhookAsync(path, body);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Empty(_app.WebRtc.Participants);
    }

    [Theory]
    [InlineData("/incomingCall")]
    [InlineData("/callAnswered")]
    [InlineData("/callStatus")]
    [InlineData("/transferAnswer")]
    [InlineData("/transferComplete")]
    [InlineData("/transferDisconnect")]
    public async Task Webhook_WithoutCredentials_IsChallengedWithBasic(string path)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path)
        {
            Content = new StringContent(VoiceWebhookPayloads.Initiate(), System.Text.Encoding.UTF8, "application/json"),
        };

        var response = await _client.SendAsync(request);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        var challenge = Assert.Single(response.Headers.WwwAuthenticate);
        Assert.Equal("Basic", challenge.Scheme);
        Assert.Contains($"realm=\"{VoiceWebhookAuthenticationHandler.Realm}\"", challenge.Parameter);
        Assert.Empty(_app.WebRtc.Participants);
    }

    [Theory]
    [InlineData(AccountModeAppFactory.CallbackUsername, "wrong-password")]
    [InlineData("wrong-user", AccountModeAppFactory.CallbackPassword)]
    [InlineData(AccountModeAppFactory.CallbackUsername, AccountModeAppFactory.CallbackPassword + "x")]
    public async Task Webhook_WithWrongCredentials_Gets401AndALogLineWithoutThePassword(string username, string password)
    {
        var response = await _client.PostWebhookAsync("/incomingCall", VoiceWebhookPayloads.Initiate(), WebhookClient.Basic(username, password));

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Empty(_app.WebRtc.Participants);
        var logs = _app.Logs.GetSnapshot();
        Assert.Contains(logs, log => log.Message.Contains("wrong credentials"));
        Assert.DoesNotContain(logs, log => log.Message.Contains(password));
    }

    [Fact]
    public async Task Webhook_WithAnUnreadableAuthorizationHeader_Gets401()
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/incomingCall")
        {
            Content = new StringContent(VoiceWebhookPayloads.Initiate(), System.Text.Encoding.UTF8, "application/json"),
        };
        request.Headers.TryAddWithoutValidation("Authorization", "Basic !!!not-base64!!!");

        Assert.Equal(HttpStatusCode.Unauthorized, (await _client.SendAsync(request)).StatusCode);
    }

    /// <summary>Waits for the participant deletions the webhooks started in the background.</summary>
    private Task DrainBackgroundWorkAsync() => _app.Services.GetRequiredService<CallLegs>().DrainAsync(default);
}

using System.Net;
using System.Text;
using System.Text.Json.Nodes;
using HelloWorld.Emulator.Signaling;
using HelloWorld.Emulator.Tokens;
using HelloWorld.Emulator.Voice;
using HelloWorld.Emulator.WebRtc;
using HelloWorld.Testing;
using Microsoft.AspNetCore.WebUtilities;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HelloWorld.Emulator.Tests.Voice;

/// <summary>
/// A Transfer into WebRTC reports how it went as Bandwidth's BXML reference says: transferAnswer when its leg answers,
/// transferDisconnect when the leg ends (whatever ended it), transferComplete while the call is still up, whose BXML the
/// call runs next; a failed transfer reports its cause the same way.
/// </summary>
public sealed class TransferFlowTests : IAsyncLifetime
{
    private const string Phone = "+19195550124";
    private EmulatorHost _emulator = null!;

    private CallEngine Calls => _emulator.Services.GetRequiredService<CallEngine>();

    public async Task InitializeAsync() => _emulator = await EmulatorHost.StartAsync();

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task ATransferThatJoins_SendsTransferAnswer_ThenOnTheParticipantsDeletion_TransferDisconnectAndTransferComplete_WhoseBxmlTheCallRuns()
    {
        var (participantId, token) = Participant();
        _emulator.AnswerBxml("/incomingCall", TransferBxml(token, callbacks: true));
        _emulator.AnswerBxml("/transferAnswer", "<Response/>");
        _emulator.AnswerBxml("/transferComplete", "<Response><SpeakSentence>The call has ended.</SpeakSentence><Hangup/></Response>");

        var call = Calls.DialIn(Phone);
        await Eventually.HoldsAsync(() => call, c => c.Phase == CallPhase.Transferred && c.Device is not null, "the phone to join");
        _emulator.Services.GetRequiredService<WebRtcStore>().DeleteParticipant(participantId);

        await Eventually.HoldsAsync(() => call, c => c.Phase == CallPhase.Completed, "the call to end");
        Assert.Equal(["The call has ended."], call.Heard);
        Assert.Equal("hangup", call.Cause);
        var answer = Body("/transferAnswer");
        var leg = call.Leg!;
        Assert.Equal(("transferAnswer", leg.CallId, call.CallId, "outbound"),
            ((string?)answer["eventType"], (string?)answer["callId"], (string?)answer["parentCallId"], (string?)answer["direction"]));
        Assert.Equal(("sip:sipx.webrtc.bandwidth.com:5060", Phone, Phone, "+19195550100"),
            ((string?)answer["transferTo"], (string?)answer["transferCallerId"], (string?)answer["from"], (string?)answer["to"]));
        Assert.EndsWith($"/calls/{leg.CallId}", (string?)answer["callUrl"]);
        Assert.NotNull(answer["answerTime"]);
        var disconnect = await BodyAsync("/transferDisconnect");
        Assert.Equal(("transferDisconnect", leg.CallId, call.CallId, "hangup"),
            ((string?)disconnect["eventType"], (string?)disconnect["callId"], (string?)disconnect["parentCallId"], (string?)disconnect["cause"]));
        Assert.NotNull(disconnect["endTime"]);
        Assert.NotNull(disconnect["answerTime"]);
        var complete = Body("/transferComplete");
        Assert.Equal(("transferComplete", call.CallId, "inbound", "hangup"),
            ((string?)complete["eventType"], (string?)complete["callId"], (string?)complete["direction"], (string?)complete["cause"]));
        Assert.Null(complete["errorMessage"]);
        Assert.Equal("sip:sipx.webrtc.bandwidth.com:5060", (string?)complete["transferTo"]);
        Assert.Equal(("completed", "hangup", participantId), (leg.State, leg.Cause, leg.ParticipantId));
    }

    [Fact]
    public async Task ATransferWhoseParticipantWasDeleted_Fails_WithTransferDisconnectAndTransferCompleteSayingError_AndNeverJoins()
    {
        var (participantId, token) = Participant();
        _emulator.Services.GetRequiredService<WebRtcStore>().DeleteParticipant(participantId);
        _emulator.AnswerBxml("/incomingCall", TransferBxml(token, callbacks: true));
        _emulator.AnswerBxml("/transferComplete", "<Response><SpeakSentence>You could not join.</SpeakSentence><Hangup/></Response>");

        var call = Calls.DialIn(Phone);

        await Eventually.HoldsAsync(() => call, c => c.Phase == CallPhase.Completed, "the call to end");
        Assert.Equal(["You could not join."], call.Heard);
        Assert.DoesNotContain(_emulator.Webhooks, w => w.Path == "/transferAnswer");
        var complete = Body("/transferComplete");
        Assert.Equal("error", (string?)complete["cause"]);
        Assert.Contains("participant was deleted", (string?)complete["errorMessage"]);
        Assert.False(string.IsNullOrEmpty((string?)complete["errorId"]));
        var disconnect = await BodyAsync("/transferDisconnect");
        Assert.Equal("error", (string?)disconnect["cause"]);
        Assert.Null(disconnect["answerTime"]);
        Assert.Null(call.Leg!.ParticipantId);
        Assert.Empty(_emulator.Services.GetRequiredService<IStreamDirectory>().Devices);
    }

    [Fact]
    public async Task ATransferFault_FailsTheNextTransfer_WithItsCauseAndMessage_AndTheOneAfterJoins()
    {
        var fault = """{"kind": "transfer", "cause": "account-limit", "errorMessage": "Account call creation rate limit exceeded", "count": 1}""";
        Assert.Equal(HttpStatusCode.Created, (await _emulator.Api.PostAsync("/emulator/control/faults", Json(fault))).StatusCode);
        var (_, token) = Participant();
        _emulator.AnswerBxml("/incomingCall", TransferBxml(token, callbacks: true));
        _emulator.AnswerBxml("/transferComplete", "<Response><Hangup/></Response>");

        var failed = Calls.DialIn(Phone);
        await Eventually.HoldsAsync(() => failed, c => c.Phase == CallPhase.Completed, "the first call to end");
        var joined = Calls.DialIn("+19195550123");

        var complete = Body("/transferComplete");
        Assert.Equal(("account-limit", "Account call creation rate limit exceeded"), ((string?)complete["cause"], (string?)complete["errorMessage"]));
        await Eventually.HoldsAsync(() => joined, c => c.Phase == CallPhase.Transferred, "the second call to join");
        Assert.Equal("account-limit", failed.Leg!.Cause);
    }

    [Fact]
    public async Task ATransferDelayedByAFault_RingsUntilTheDelayIsOver_ThenJoins()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var emulator = await EmulatorHost.StartAsync(services: services => services.AddSingleton<TimeProvider>(time));
        await emulator.Api.PostAsync("/emulator/control/faults", Json("""{"kind": "transfer", "delayMs": 5000, "count": 1}"""));
        var token = emulator.Services.GetRequiredService<DeviceTokens>().Issue(
            emulator.Services.GetRequiredService<WebRtcStore>().CreateParticipant(["AUDIO"], "phone", "V3", null).Id);
        emulator.AnswerBxml("/incomingCall", TransferBxml(token, callbacks: false));
        var call = emulator.Services.GetRequiredService<CallEngine>().DialIn(Phone);
        await Eventually.HoldsAsync(() => call, c => c.Leg is not null, "the transfer to start");

        time.Advance(TimeSpan.FromMilliseconds(4999));
        Assert.Equal("ringing", call.Leg!.State);
        time.Advance(TimeSpan.FromMilliseconds(1));

        await Eventually.HoldsAsync(() => call, c => c.Phase == CallPhase.Transferred, "the delayed transfer to join");
    }

    [Fact]
    public async Task AFailedTransferWithoutTransferCompleteUrl_GoesOnWithTheVerbsAfterIt_ThenHangsUp()
    {
        _emulator.AnswerBxml("/incomingCall",
            """<Response><Transfer><SipUri uui="garbage;encoding=jwt">sip:sipx.webrtc.bandwidth.com:5060</SipUri></Transfer><SpeakSentence>Sorry.</SpeakSentence></Response>""");

        var call = Calls.DialIn(Phone);

        await Eventually.HoldsAsync(() => call, c => c.Phase == CallPhase.Completed, "the call to end");
        Assert.Equal(["Sorry."], call.Heard);
        Assert.Equal("hangup", call.Cause);
        Assert.Equal("error", call.Leg!.Cause);
    }

    [Fact]
    public async Task TheCallerHangingUpInTheSession_SendsTransferDisconnect_ButNoTransferComplete()
    {
        var (_, token) = Participant();
        _emulator.AnswerBxml("/incomingCall", TransferBxml(token, callbacks: true));
        var call = Calls.DialIn(Phone);
        await Eventually.HoldsAsync(() => call, c => c.Phase == CallPhase.Transferred && c.Device is not null, "the phone to join");

        Calls.HangUp(call.CallId);

        var disconnect = await BodyAsync("/transferDisconnect");
        Assert.Equal("hangup", (string?)disconnect["cause"]);
        await Eventually.HoldsAsync(() => _emulator.Webhooks.Any(w => w.Path == "/callStatus"), sent => sent, "the call's disconnect webhook");
        Assert.DoesNotContain(_emulator.Webhooks, w => w.Path == "/transferComplete");
    }

    [Fact]
    public async Task TransferAnswer_AnsweredWithHangup_EndsTheLegBeforeItJoins()
    {
        var (_, token) = Participant();
        _emulator.AnswerBxml("/incomingCall", TransferBxml(token, callbacks: true));
        _emulator.AnswerBxml("/transferAnswer", "<Response><Hangup/></Response>");
        _emulator.AnswerBxml("/transferComplete", "<Response><Hangup/></Response>");

        var call = Calls.DialIn(Phone);

        await Eventually.HoldsAsync(() => call, c => c.Phase == CallPhase.Completed, "the call to end");
        Assert.Equal("hangup", (string?)Body("/transferComplete")["cause"]);
        Assert.Null(call.Device);
        Assert.DoesNotContain(call.Webhooks, w => w.EventType == "transferAnswer" && w.Failed);
        Assert.Empty(_emulator.Services.GetRequiredService<IStreamDirectory>().Devices);
    }

    [Fact]
    public async Task TransferWebhooks_AreChallengedLikeTheOthers_SentWithTheirCredentials_AndByGetWhenAsked_ToRelativeUrls()
    {
        var (participantId, token) = Participant();
        _emulator.AnswerBxml("/incomingCall", $$"""
            <Response><Transfer transferCompleteUrl="/transferComplete" transferCompleteMethod="GET" username="complete-user" password="complete-secret">
            <SipUri uui="{{token}};encoding=jwt" transferAnswerUrl="/transferAnswer" transferDisconnectUrl="/transferDisconnect"
             transferDisconnectMethod="GET" username="leg-user" password="leg-secret">sip:sipx.webrtc.bandwidth.com:5060</SipUri>
            </Transfer></Response>
            """);
        _emulator.AnswerBxmlWithBasicAuth("/transferAnswer", "leg-user", "leg-secret", "<Response/>");
        _emulator.AnswerBxmlWithBasicAuth("/transferComplete", "complete-user", "complete-secret", "<Response><Hangup/></Response>");
        _emulator.AnswerBxmlWithBasicAuth("/transferDisconnect", "leg-user", "leg-secret", "");
        var call = Calls.DialIn(Phone);
        await Eventually.HoldsAsync(() => call, c => c.Phase == CallPhase.Transferred, "the phone to join");

        _emulator.Services.GetRequiredService<WebRtcStore>().DeleteParticipant(participantId);

        await Eventually.HoldsAsync(() => call, c => c.Phase == CallPhase.Completed, "the call to end");
        await Eventually.HoldsAsync(() => call.Webhooks.Count(w => w.EventType == "transferDisconnect"), count => count == 1, "transferDisconnect");
        foreach (var eventType in new[] { "transferAnswer", "transferComplete", "transferDisconnect" })
        {
            var attempts = _emulator.Webhooks.Where(w => w.Path == "/" + eventType).ToList();
            Assert.Equal(["", "Basic"], attempts.Select(w => w.Authorization.Split(' ')[0])); // challenged, then sent with credentials
            Assert.Single(call.Webhooks, w => w.EventType == eventType && w.Authenticated && w.Status is >= 200 and < 300);
        }
        var completeByGet = _emulator.Webhooks.Last(w => w.Path == "/transferComplete");
        Assert.Equal("GET", completeByGet.Method);
        Assert.Equal("transferComplete", QueryHelpers.ParseQuery(completeByGet.Query)["eventType"].ToString());
        Assert.Equal("POST", _emulator.Webhooks.Last(w => w.Path == "/transferAnswer").Method);
        Assert.Equal("GET", _emulator.Webhooks.Last(w => w.Path == "/transferDisconnect").Method);
    }

    [Theory]
    [InlineData("""<Transfer transferCompleteUrl="ftp://a.example/x"><SipUri>sip:sipx.webrtc.bandwidth.com:5060</SipUri></Transfer>""", "transferCompleteUrl")]
    [InlineData("""<Transfer transferCompleteUrl="/x" transferCompleteMethod="PUT"><SipUri>sip:sipx.webrtc.bandwidth.com:5060</SipUri></Transfer>""", "transferCompleteMethod")]
    [InlineData("""<Transfer><SipUri transferDisconnectUrl="/x" transferDisconnectMethod="get">sip:sipx.webrtc.bandwidth.com:5060</SipUri></Transfer>""", "transferDisconnectMethod")]
    public async Task ATransferWithAMalformedCallbackAttribute_FailsTheCallWithInvalidBxml(string transfer, string attribute)
    {
        _emulator.AnswerBxml("/incomingCall", $"<Response>{transfer}</Response>");

        var call = Calls.DialIn(Phone);

        await Eventually.HoldsAsync(() => call, c => c.Phase == CallPhase.Completed, "the call to end");
        Assert.Equal("invalid-bxml", call.Cause);
        Assert.Contains(attribute, call.ErrorMessage);
    }

    private JsonNode Body(string path) => JsonNode.Parse(_emulator.Webhooks.Last(w => w.Path == path && w.Method == "POST").Body)!;

    private async Task<JsonNode> BodyAsync(string path)
    {
        var webhook = await Eventually.HoldsAsync(() => _emulator.Webhooks.LastOrDefault(w => w.Path == path), w => w is not null, path);
        return JsonNode.Parse(webhook!.Body)!;
    }

    private (string ParticipantId, string Token) Participant()
    {
        var store = _emulator.Services.GetRequiredService<WebRtcStore>();
        var session = store.CreateSession("s").Id;
        var participant = store.CreateParticipant(["AUDIO"], "phone", "V3", null).Id;
        store.AddToSession(session, participant, new EmulatedSubscriptions(session, []));
        return (participant, _emulator.Services.GetRequiredService<DeviceTokens>().Issue(participant));
    }

    /// <summary>The Transfer the app writes: with callbacks, the three webhooks where Bandwidth's BXML reference puts them.</summary>
    private static string TransferBxml(string token, bool callbacks) => callbacks
        ? $$"""
            <Response><Transfer transferCompleteUrl="/transferComplete" transferCompleteMethod="POST">
            <SipUri uui="{{token}};encoding=jwt" transferAnswerUrl="/transferAnswer" transferAnswerMethod="POST"
             transferDisconnectUrl="/transferDisconnect" transferDisconnectMethod="POST">sip:sipx.webrtc.bandwidth.com:5060</SipUri>
            </Transfer></Response>
            """
        : $"""<Response><Transfer><SipUri uui="{token};encoding=jwt">sip:sipx.webrtc.bandwidth.com:5060</SipUri></Transfer></Response>""";

    private static StringContent Json(string json) => new(json, Encoding.UTF8, "application/json");
}

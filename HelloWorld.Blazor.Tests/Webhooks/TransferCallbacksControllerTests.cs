using System.Net;
using System.Xml.Linq;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Tests.TestDoubles;
using HelloWorld.Blazor.Webhooks;
using Microsoft.Extensions.DependencyInjection;

namespace HelloWorld.Blazor.Tests.Webhooks;

/// <summary>
/// How a Transfer into the session ended, as Bandwidth reports it: the phone is "joining" until the leg into the session
/// answers, and a leg that fails leaves the call ended as "could not join", with its participant deleted.
/// </summary>
public sealed class TransferCallbacksControllerTests : IAsyncLifetime
{
    private const string CallId = VoiceWebhookPayloads.CallId;
    private readonly AccountModeAppFactory _app = new();
    private HttpClient _client = null!;

    public Task InitializeAsync()
    {
        _client = _app.CreateClient();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _app.DisposeAsync();

    private ICallRegistry Calls => _app.Services.GetRequiredService<ICallRegistry>();

    [Fact]
    public async Task DialIn_IsJoiningUntilTransferAnswer_ThenInTheCall()
    {
        await _client.PostWebhookAsync("/incomingCall", VoiceWebhookPayloads.Initiate());
        var joining = Calls.Find(CallId)!.State;

        var response = await _client.PostWebhookAsync("/transferAnswer", VoiceWebhookPayloads.TransferAnswer());

        Assert.Equal(CallState.Joining, joining);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(Bxml(await response.Content.ReadAsStringAsync()).Elements()); // nothing to run before the bridge
        Assert.Equal(CallState.Transferred, Calls.Find(CallId)!.State);
        Assert.Single(_app.WebRtc.Participants);
    }

    [Fact]
    public async Task PlacedCall_IsJoiningOnceAnswered_UntilTransferAnswer_ThenInTheCall()
    {
        var call = await _app.Services.GetRequiredService<IPhoneCallService>().CallAsync(null);
        await _client.PostWebhookAsync("/callAnswered", VoiceWebhookPayloads.Answer(call.CallId));
        var joining = Calls.Find(call.CallId)!.State;

        await _client.PostWebhookAsync("/transferAnswer", VoiceWebhookPayloads.TransferAnswer(parentCallId: call.CallId));

        Assert.Equal(CallState.Joining, joining);
        Assert.Equal(CallState.Transferred, Calls.Find(call.CallId)!.State);
    }

    [Theory]
    [InlineData("busy", null, "busy")]
    [InlineData("account-limit", "Too many active calls", "account-limit")]
    [InlineData("node-capacity-exceeded", null, "node-capacity-exceeded")]
    [InlineData("error", "Call was rejected by the SIP endpoint", "error")]
    [InlineData(null, "Call c-2a913f94 is already bridged", "error")]
    public async Task TransferComplete_WithAFailure_EndsTheCallAsCouldNotJoin_DeletesItsParticipant_AndTheCallerHearsSorry(
        string? cause, string? errorMessage, string reason)
    {
        await _client.PostWebhookAsync("/incomingCall", VoiceWebhookPayloads.Initiate());

        var response = await _client.PostWebhookAsync("/transferComplete", VoiceWebhookPayloads.TransferComplete(cause: cause, errorMessage: errorMessage));
        await DrainBackgroundWorkAsync();

        var bxml = Bxml(await response.Content.ReadAsStringAsync());
        Assert.Equal(["SpeakSentence", "Hangup"], bxml.Elements().Select(e => e.Name.LocalName));
        Assert.Equal(TransferCallbacksController.CouldNotJoinSentence, bxml.Element("SpeakSentence")!.Value);
        var call = Calls.Find(CallId)!;
        Assert.Equal((CallState.Ended, reason, $"could not join ({reason})"), (call.State, call.JoinFailure, call.EndCause));
        Assert.Empty(_app.WebRtc.Participants);
    }

    [Fact]
    public async Task TransferDisconnect_WithAFailure_EndsTheCallAsCouldNotJoin_AndDeletesItsParticipant_AndTheDisconnectThatFollowsKeepsTheReason()
    {
        await _client.PostWebhookAsync("/incomingCall", VoiceWebhookPayloads.Initiate());

        var response = await _client.PostWebhookAsync("/transferDisconnect", VoiceWebhookPayloads.TransferDisconnect(cause: "rejected"));
        await _client.PostWebhookAsync("/callStatus", VoiceWebhookPayloads.Disconnect(cause: "hangup"));
        await DrainBackgroundWorkAsync();

        Assert.Equal(HttpStatusCode.NoContent, response.StatusCode);
        var call = Calls.Find(CallId)!;
        Assert.Equal((CallState.Ended, "rejected", "could not join (rejected)"), (call.State, call.JoinFailure, call.EndCause));
        Assert.Empty(_app.WebRtc.Participants);
        Assert.Equal(1, _app.WebRtc.Calls("deleteParticipant"));
    }

    [Fact]
    public async Task TransferFailure_AfterThePhoneJoined_EndsTheCallAsLeft_NotAsCouldNotJoin()
    {
        await _client.PostWebhookAsync("/incomingCall", VoiceWebhookPayloads.Initiate());
        await _client.PostWebhookAsync("/transferAnswer", VoiceWebhookPayloads.TransferAnswer());

        await _client.PostWebhookAsync("/transferDisconnect", VoiceWebhookPayloads.TransferDisconnect(cause: "error", errorMessage: "media timeout"));
        await DrainBackgroundWorkAsync();

        var call = Calls.Find(CallId)!;
        Assert.Equal((CallState.Ended, null, "left the session (error)"), (call.State, call.JoinFailure, call.EndCause));
        Assert.Empty(_app.WebRtc.Participants);
    }

    [Theory]
    [InlineData("hangup")]
    [InlineData("cancel")]
    public async Task TransferComplete_AfterANormalEnd_HangsUpWithoutAnApology_AndLeavesTheCallToItsDisconnect(string cause)
    {
        await _client.PostWebhookAsync("/incomingCall", VoiceWebhookPayloads.Initiate());
        await _client.PostWebhookAsync("/transferAnswer", VoiceWebhookPayloads.TransferAnswer());

        var complete = await _client.PostWebhookAsync("/transferComplete", VoiceWebhookPayloads.TransferComplete(cause: cause));
        var disconnect = await _client.PostWebhookAsync("/transferDisconnect", VoiceWebhookPayloads.TransferDisconnect(cause: cause));

        Assert.Equal(["Hangup"], Bxml(await complete.Content.ReadAsStringAsync()).Elements().Select(e => e.Name.LocalName));
        Assert.Equal(HttpStatusCode.NoContent, disconnect.StatusCode);
        Assert.Equal(CallState.Transferred, Calls.Find(CallId)!.State);
        Assert.Single(_app.WebRtc.Participants);
    }

    [Fact]
    public async Task TransferAnswer_ForACallThatEndedMeanwhile_HangsUpTheLegIntoTheSession()
    {
        await _client.PostWebhookAsync("/incomingCall", VoiceWebhookPayloads.Initiate());
        await _client.PostWebhookAsync("/callStatus", VoiceWebhookPayloads.Disconnect());

        var response = await _client.PostWebhookAsync("/transferAnswer", VoiceWebhookPayloads.TransferAnswer());

        Assert.Equal(["Hangup"], Bxml(await response.Content.ReadAsStringAsync()).Elements().Select(e => e.Name.LocalName));
        Assert.Equal(CallState.Ended, Calls.Find(CallId)!.State);
    }

    [Fact]
    public async Task TransferAnswer_ForACallTheAppDoesNotKnow_LeavesItAlone()
    {
        var response = await _client.PostWebhookAsync("/transferAnswer", VoiceWebhookPayloads.TransferAnswer(parentCallId: "c-00000000-00000000-0000-0000-0000-000000000000"));

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Empty(Bxml(await response.Content.ReadAsStringAsync()).Elements());
        Assert.Empty(Calls.Calls);
    }

    [Theory]
    [InlineData("/transferAnswer", "transferComplete")]
    [InlineData("/transferComplete", "transferDisconnect")]
    [InlineData("/transferDisconnect", "disconnect")]
    public async Task TransferRoute_GivenAnotherEvent_Refuses400(string route, string eventType)
    {
        var response = await _client.PostWebhookAsync(route, VoiceWebhookPayloads.TransferDisconnect().Replace("\"transferDisconnect\"", $"\"{eventType}\"", StringComparison.Ordinal));

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
    }

    private static XElement Bxml(string body) => XDocument.Parse(body).Root!;

    private Task DrainBackgroundWorkAsync() => _app.Services.GetRequiredService<CallLegs>().DrainAsync(default);
}

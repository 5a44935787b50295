using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Tests.TestDoubles;

namespace HelloWorld.Blazor.Tests.Conference;

/// <summary>
/// The webhooks' side of phone calls: one participant per call, joined for a dial-in or a placed call, deleted when the
/// call ends, whatever the order of webhooks and Bandwidth's answers.
/// </summary>
public sealed class CallLegsTests : IDisposable
{
    private readonly BandwidthOptions _settings = PhoneCallsUnderTest.AccountSettings();
    private readonly PhoneCallsUnderTest _calls;
    private readonly FakeWebRtcApi _webRtc;
    private readonly FakeVoiceApi _voice;
    private readonly ParticipantService _participants;
    private readonly CallRegistry _registry;
    private readonly CallLegs _legs;
    private readonly PhoneCallService _service;

    public CallLegsTests()
    {
        _calls = new PhoneCallsUnderTest(_settings, new PhoneCallOptions { MaxCallsPerMinute = 2, MaxActiveCalls = 2 });
        (_webRtc, _voice, _participants, _registry, _legs, _service) =
            (_calls.WebRtc, _calls.Voice, _calls.Participants, _calls.Registry, _calls.Legs, _calls.Service);
    }

    public void Dispose() => _calls.Dispose();

    [Fact]
    public async Task OutboundCall_AnsweredThenDisconnected_LeavesNoParticipant()
    {
        var call = await _service.CallAsync(null);

        var participant = await _legs.AnswerOutboundCallAsync(call.CallId, default);
        await _legs.EndCallAsync(call.CallId, "hangup");

        Assert.Equal(call.ParticipantId, participant?.Id);
        Assert.Empty(_webRtc.Participants);
        Assert.Equal(CallState.Ended, _registry.Find(call.CallId)!.State);
    }

    [Fact]
    public async Task AnswerOutboundCall_ForAnUnknownCall_ReturnsNothing() =>
        Assert.Null(await _legs.AnswerOutboundCallAsync("c-unknown", default));

    [Fact]
    public async Task InboundCall_InitiatedTwice_JoinsOneParticipant()
    {
        var first = _legs.AcceptInboundCallAsync("c-in", "+19195550123", "+19195550100", default);
        var second = _legs.AcceptInboundCallAsync("c-in", "+19195550123", "+19195550100", default);

        var participants = await Task.WhenAll(first, second);

        Assert.Equal(participants[0], participants[1]);
        Assert.Single(_webRtc.Participants);
        Assert.Equal(CallState.Joining, _registry.Find("c-in")!.State);
    }

    [Fact]
    public async Task EndCall_DisconnectBeforeAnyAnswer_EndsTheCallAndDeletesItsParticipant()
    {
        var call = await _service.CallAsync(null);

        await _legs.EndCallAsync(call.CallId, "timeout");

        Assert.Empty(_webRtc.Participants);
        Assert.Equal("timeout", _registry.Find(call.CallId)!.EndCause);
        Assert.Null(await _legs.AnswerOutboundCallAsync(call.CallId, default));
    }

    [Fact]
    public async Task InboundCall_AnsweredWithATransfer_IsJoiningUntilBandwidthReportsTheTransferAnswered()
    {
        await _legs.AcceptInboundCallAsync("c-in", "+19195550123", "+19195550100", default);
        var joining = _registry.Find("c-in")!;

        var joined = _legs.TransferAnswered("c-in");

        Assert.Equal([CallState.Ringing, CallState.Answered, CallState.Joining], joining.History.Select(e => e.State));
        Assert.NotNull(joining.ParticipantId);
        Assert.Equal(CallState.Transferred, joined?.State);
        Assert.Equal([CallState.Ringing, CallState.Answered, CallState.Joining, CallState.Transferred], joined!.History.Select(e => e.State));
    }

    [Fact]
    public async Task InboundCall_DisconnectedWhileItsParticipantJoins_LeavesNoParticipantAndNoActiveCall()
    {
        var joining = _webRtc.HoldNext("addParticipantToSession");
        var accept = _legs.AcceptInboundCallAsync("c-in", "+19195550123", "+19195550100", default);
        await joining.Entered;

        var ending = _legs.EndCallAsync("c-in", "hangup");
        joining.Release();

        Assert.Null(await accept);
        await ending;
        await _legs.DrainAsync(default);
        Assert.Empty(_webRtc.Participants);
        Assert.Empty(_participants.Active);
        Assert.Equal(CallState.Ended, _registry.Find("c-in")!.State);
        Assert.Equal(0, _registry.ActiveCount);
    }

    [Fact]
    public async Task InboundCall_WhoseDisconnectCameFirst_JoinsNothingAndIsEnded()
    {
        await _legs.EndCallAsync("c-in", "cancel");

        Assert.Null(await _legs.AcceptInboundCallAsync("c-in", "+19195550123", "+19195550100", default));

        Assert.Equal(0, _webRtc.Calls("createParticipant"));
        var call = _registry.Find("c-in")!;
        Assert.Equal((CallState.Ended, "cancel"), (call.State, call.EndCause));
    }

    [Fact]
    public async Task InboundCall_InitiatedAgainAfterItEnded_IsNotRevived()
    {
        await _legs.AcceptInboundCallAsync("c-in", "+19195550123", "+19195550100", default);
        await _legs.EndCallAsync("c-in", "hangup");

        Assert.Null(await _legs.AcceptInboundCallAsync("c-in", "+19195550123", "+19195550100", default));

        Assert.Empty(_webRtc.Participants);
        Assert.Equal(1, _webRtc.Calls("createParticipant"));
    }

    [Fact]
    public async Task InboundCall_WhoseJoinOutlivesTheWebhook_IsEndedAndItsParticipantDeletedOnceCreated()
    {
        var joining = _webRtc.HoldNext("addParticipantToSession");
        using var budget = new CancellationTokenSource();
        var accept = _legs.AcceptInboundCallAsync("c-in", "+19195550123", "+19195550100", budget.Token);
        await joining.Entered;

        budget.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => accept);
        joining.Release();
        await _legs.DrainAsync(default);

        Assert.Empty(_webRtc.Participants);
        Assert.Equal(CallState.Ended, _registry.Find("c-in")!.State);
    }

    [Fact]
    public async Task OutboundCall_DisconnectedBeforeCreateCallAnswers_LeavesNoParticipantAndFreesTheNumber()
    {
        var creating = _voice.HoldNextCreate();
        var placing = _service.CallAsync(null);
        var callId = await creating.Entered;

        await _legs.EndCallAsync(callId, "rejected");
        creating.Release();
        var call = await placing;
        await _legs.DrainAsync(default);

        Assert.Equal((CallState.Ended, "rejected"), (call.State, call.EndCause));
        Assert.Empty(_webRtc.Participants);
        Assert.Empty(_participants.Active);
        Assert.Equal(CallState.Ringing, (await _service.CallAsync(null)).State); // the CALL button works again
    }

    [Fact]
    public async Task OutboundCall_AnsweredBeforeCreateCallAnswers_StillJoinsTheSession()
    {
        var creating = _voice.HoldNextCreate();
        var placing = _service.CallAsync(null);
        var callId = await creating.Entered;

        var answering = _legs.AnswerOutboundCallAsync(callId, default);
        creating.Release();
        var call = await placing;

        var participant = await answering;
        Assert.NotNull(participant);
        Assert.Equal(call.ParticipantId, participant.Id);
        Assert.Equal(CallState.Joining, _registry.Find(callId)!.State);
    }

    [Fact]
    public async Task InboundCall_BeyondMaxActiveCalls_IsRefusedBeforeAParticipantIsCreated_UntilACallEnds()
    {
        await _legs.AcceptInboundCallAsync("c-1", "+19195550123", "+19195550100", default);
        await _legs.AcceptInboundCallAsync("c-2", "+19195550124", "+19195550100", default);

        var rejected = await Assert.ThrowsAsync<PhoneCallRejectedException>(
            () => _legs.AcceptInboundCallAsync("c-3", "+19195550125", "+19195550100", default));

        Assert.Equal(PhoneCallRejection.TooManyActiveCalls, rejected.Reason);
        Assert.Contains("PhoneCalls:MaxActiveCalls", rejected.Message);
        Assert.Equal(2, _webRtc.Participants.Count);
        Assert.Null(_registry.Find("c-3"));
        Assert.NotNull(await _legs.AcceptInboundCallAsync("c-2", "+19195550124", "+19195550100", default)); // a repeat of a known call
        await _legs.EndCallAsync("c-1", "hangup");
        Assert.NotNull(await _legs.AcceptInboundCallAsync("c-3", "+19195550125", "+19195550100", default));
    }

    [Fact]
    public async Task EndCall_ForAnUnknownCall_EndsNoOtherCallAndDeletesNoParticipant()
    {
        var participant = await _legs.AcceptInboundCallAsync("c-in", "+19195550123", "+19195550100", default);

        await _legs.EndCallAsync("c-unknown", "hangup");
        await _legs.DrainAsync(default);

        Assert.Equal(participant!.Id, Assert.Single(_webRtc.Participants).Id);
        Assert.Equal(0, _webRtc.Calls("deleteParticipant"));
        var call = Assert.Single(_registry.Calls);
        Assert.Equal(("c-in", CallState.Joining), (call.CallId, call.State));
    }

    [Fact]
    public async Task DialIns_WhileACallIsBeingPlaced_CountThatCallAgainstMaxActiveCalls()
    {
        var creating = _voice.HoldNextCreate();
        var placing = _service.CallAsync(null);
        await creating.Entered; // the call exists at Bandwidth; the app learns its id once createCall answers

        await _legs.AcceptInboundCallAsync("c-1", "+19195550124", "+19195550100", default);
        var refused = await Assert.ThrowsAsync<PhoneCallRejectedException>(
            () => _legs.AcceptInboundCallAsync("c-2", "+19195550125", "+19195550100", default));
        creating.Release();
        await placing;

        Assert.Equal(PhoneCallRejection.TooManyActiveCalls, refused.Reason);
        Assert.Equal(2, _registry.ActiveCount);
    }
}

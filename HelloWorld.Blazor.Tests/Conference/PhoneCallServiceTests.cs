using System.Net;
using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Tests.TestDoubles;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Tests.Conference;

public sealed class PhoneCallServiceTests : IDisposable
{
    private readonly FakeWebRtcApi _webRtc = new();
    private readonly FakeVoiceApi _voice = new();
    private readonly ParticipantService _participants;
    private readonly CallRegistry _registry = new(TimeProvider.System, NullLogger<CallRegistry>.Instance);
    private readonly BandwidthOptions _settings = new()
    {
        AccountId = "9900000",
        Username = "u",
        Password = "p",
        VoiceApplicationId = "voice-app",
        PhoneNumber = "+19195550100",
        OutboundPhoneNumber = "+19195550123",
        AllowedOutboundNumbers = ["+19195550124"],
        BaseCallbackUrl = "https://app.example.com",
        CallbackUsername = "hook-user",
        CallbackPassword = "hook-password",
    };
    private readonly PhoneCallOptions _options = new() { MaxCallsPerMinute = 2, MaxActiveCalls = 2 };
    private readonly PhoneCallService _service;

    public PhoneCallServiceTests()
    {
        _participants = new ParticipantService(_webRtc, new SessionTracker(_webRtc, NullLogger<SessionTracker>.Instance),
            TimeProvider.System, Options.Create(new ParticipantOptions()), NullLogger<ParticipantService>.Instance);
        _service = new PhoneCallService(_participants, _voice, _registry,
            new BandwidthAccountEnvironment(Options.Create(_settings)), Options.Create(_settings), Options.Create(_options),
            NullLogger<PhoneCallService>.Instance);
    }

    public void Dispose() => _service.Dispose();

    [Fact]
    public void DialableNumbers_AreTheOutboundNumberThenTheAllowList() =>
        Assert.Equal(["+19195550123", "+19195550124"], _service.DialableNumbers);

    [Fact]
    public async Task Call_PlacesTheCallWithTheCallbacksAndCredentials_AndShowsItRinging()
    {
        var call = await _service.CallAsync(null);

        var request = Assert.Single(_voice.Created);
        Assert.Equal("+19195550123", request.To);
        Assert.Equal("+19195550100", request.From);
        Assert.Equal("voice-app", request.ApplicationId);
        Assert.Equal("https://app.example.com/callAnswered", request.AnswerUrl);
        Assert.Equal("https://app.example.com/callStatus", request.DisconnectUrl);
        Assert.Equal(("hook-user", "hook-password"), (request.Username, request.Password));
        Assert.Equal(PhoneCallService.CallTag, request.Tag);
        Assert.Equal(CallState.Ringing, call.State);
        Assert.Equal(CallDirection.Outbound, call.Direction);
        Assert.Equal("hello-world-phone", _webRtc.Participants.Single(p => p.Id == call.ParticipantId).Tag);
    }

    [Fact]
    public async Task Call_WithoutAnOutboundNumber_IsRejected()
    {
        _settings.OutboundPhoneNumber = null;

        var rejected = await Assert.ThrowsAsync<PhoneCallRejectedException>(() => _service.CallAsync(null));

        Assert.Equal(PhoneCallRejection.NoOutboundNumberConfigured, rejected.Reason);
        Assert.Empty(_voice.Created);
    }

    [Theory]
    [InlineData("+19005550199", PhoneCallRejection.NumberNotAllowed)]
    [InlineData("911", PhoneCallRejection.InvalidNumber)]
    [InlineData("+1 919 555 0123", PhoneCallRejection.InvalidNumber)]
    public async Task Call_ToANumberNotOnTheList_IsRejectedBeforeAnythingIsCreated(string number, PhoneCallRejection reason)
    {
        var rejected = await Assert.ThrowsAsync<PhoneCallRejectedException>(() => _service.CallAsync(number));

        Assert.Equal(reason, rejected.Reason);
        Assert.Empty(_voice.Created);
        Assert.Empty(_webRtc.Participants);
    }

    [Fact]
    public async Task Call_ToANumberAlreadyInACall_IsRejected()
    {
        await _service.CallAsync("+19195550123");

        var rejected = await Assert.ThrowsAsync<PhoneCallRejectedException>(() => _service.CallAsync("+19195550123"));

        Assert.Equal(PhoneCallRejection.AlreadyInProgress, rejected.Reason);
    }

    [Fact]
    public async Task Call_BeyondTheRateLimit_IsRejectedWithARetryAfter()
    {
        var first = await _service.CallAsync("+19195550123");
        var second = await _service.CallAsync("+19195550124");
        await _service.EndCallAsync(first.CallId, "hangup");
        await _service.EndCallAsync(second.CallId, "hangup");

        var rejected = await Assert.ThrowsAsync<PhoneCallRejectedException>(() => _service.CallAsync("+19195550123"));

        Assert.Equal(PhoneCallRejection.RateLimited, rejected.Reason);
        Assert.NotNull(rejected.RetryAfter);
    }

    [Fact]
    public async Task Call_WhenBandwidthRefusesIt_DeletesTheParticipant()
    {
        _voice.FailNextCreate(new BandwidthApiException(HttpStatusCode.BadRequest, "createCall", "Invalid to number"));

        await Assert.ThrowsAsync<BandwidthApiException>(() => _service.CallAsync(null));

        Assert.Empty(_webRtc.Participants);
        Assert.Empty(_registry.Calls);
    }

    [Fact]
    public async Task OutboundCall_AnsweredThenDisconnected_LeavesNoParticipant()
    {
        var call = await _service.CallAsync(null);

        var participant = await _service.AnswerOutboundCallAsync(call.CallId, default);
        await _service.EndCallAsync(call.CallId, "hangup");

        Assert.Equal(call.ParticipantId, participant?.Id);
        Assert.Empty(_webRtc.Participants);
        Assert.Equal(CallState.Ended, _registry.Find(call.CallId)!.State);
    }

    [Fact]
    public async Task AnswerOutboundCall_ForAnUnknownCall_ReturnsNothing() =>
        Assert.Null(await _service.AnswerOutboundCallAsync("c-unknown", default));

    [Fact]
    public async Task InboundCall_InitiatedTwice_JoinsOneParticipant()
    {
        var first = _service.AcceptInboundCallAsync("c-in", "+19195550123", "+19195550100", default);
        var second = _service.AcceptInboundCallAsync("c-in", "+19195550123", "+19195550100", default);

        var participants = await Task.WhenAll(first, second);

        Assert.Equal(participants[0], participants[1]);
        Assert.Single(_webRtc.Participants);
        Assert.Equal(CallState.Transferred, _registry.Find("c-in")!.State);
    }

    [Fact]
    public async Task EndCall_DisconnectBeforeAnyAnswer_EndsTheCallAndDeletesItsParticipant()
    {
        var call = await _service.CallAsync(null);

        await _service.EndCallAsync(call.CallId, "timeout");

        Assert.Empty(_webRtc.Participants);
        Assert.Equal("timeout", _registry.Find(call.CallId)!.EndCause);
        Assert.Null(await _service.AnswerOutboundCallAsync(call.CallId, default));
    }

    [Fact]
    public async Task InboundCall_AnsweredWithATransfer_IsRecordedAsAnsweredThenTransferred()
    {
        await _service.AcceptInboundCallAsync("c-in", "+19195550123", "+19195550100", default);

        var call = _registry.Find("c-in")!;
        Assert.Equal([CallState.Ringing, CallState.Answered, CallState.Transferred], call.History.Select(e => e.State));
        Assert.NotNull(call.ParticipantId);
    }

    [Fact]
    public async Task InboundCall_DisconnectedWhileItsParticipantJoins_LeavesNoParticipantAndNoActiveCall()
    {
        var joining = _webRtc.HoldNext("addParticipantToSession");
        var accept = _service.AcceptInboundCallAsync("c-in", "+19195550123", "+19195550100", default);
        await joining.Entered;

        var ending = _service.EndCallAsync("c-in", "hangup");
        joining.Release();

        Assert.Null(await accept);
        await ending;
        await _service.DrainAsync(default);
        Assert.Empty(_webRtc.Participants);
        Assert.Empty(_participants.Active);
        Assert.Equal(CallState.Ended, _registry.Find("c-in")!.State);
        Assert.Equal(0, _registry.ActiveCount);
    }

    [Fact]
    public async Task InboundCall_WhoseDisconnectCameFirst_JoinsNothingAndIsEnded()
    {
        await _service.EndCallAsync("c-in", "cancel");

        Assert.Null(await _service.AcceptInboundCallAsync("c-in", "+19195550123", "+19195550100", default));

        Assert.Equal(0, _webRtc.Calls("createParticipant"));
        var call = _registry.Find("c-in")!;
        Assert.Equal((CallState.Ended, "cancel"), (call.State, call.EndCause));
    }

    [Fact]
    public async Task InboundCall_InitiatedAgainAfterItEnded_IsNotRevived()
    {
        await _service.AcceptInboundCallAsync("c-in", "+19195550123", "+19195550100", default);
        await _service.EndCallAsync("c-in", "hangup");

        Assert.Null(await _service.AcceptInboundCallAsync("c-in", "+19195550123", "+19195550100", default));

        Assert.Empty(_webRtc.Participants);
        Assert.Equal(1, _webRtc.Calls("createParticipant"));
    }

    [Fact]
    public async Task InboundCall_WhoseJoinOutlivesTheWebhook_IsEndedAndItsParticipantDeletedOnceCreated()
    {
        var joining = _webRtc.HoldNext("addParticipantToSession");
        using var budget = new CancellationTokenSource();
        var accept = _service.AcceptInboundCallAsync("c-in", "+19195550123", "+19195550100", budget.Token);
        await joining.Entered;

        budget.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => accept);
        joining.Release();
        await _service.DrainAsync(default);

        Assert.Empty(_webRtc.Participants);
        Assert.Equal(CallState.Ended, _registry.Find("c-in")!.State);
    }

    [Fact]
    public async Task OutboundCall_DisconnectedBeforeCreateCallAnswers_LeavesNoParticipantAndFreesTheNumber()
    {
        var creating = _voice.HoldNextCreate();
        var placing = _service.CallAsync(null);
        var callId = await creating.Entered;

        await _service.EndCallAsync(callId, "rejected");
        creating.Release();
        var call = await placing;
        await _service.DrainAsync(default);

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

        var answering = _service.AnswerOutboundCallAsync(callId, default);
        creating.Release();
        var call = await placing;

        var participant = await answering;
        Assert.NotNull(participant);
        Assert.Equal(call.ParticipantId, participant.Id);
        Assert.Equal(CallState.Transferred, _registry.Find(callId)!.State);
    }

    [Fact]
    public async Task Call_WhenBandwidthRefusesIt_AndTheParticipantCannotBeDeleted_ReportsWhyTheCallFailed()
    {
        _voice.FailNextCreate(new BandwidthApiException(HttpStatusCode.BadRequest, "createCall", "Invalid to number"));
        _webRtc.FailNext("deleteParticipant", new BandwidthUnavailableException("deleteParticipant", "timed out"));

        var error = await Assert.ThrowsAsync<BandwidthApiException>(() => _service.CallAsync(null));

        Assert.Equal("createCall", error.Operation);
        Assert.Single(_participants.Active); // still tracked: the shutdown sweep deletes it
    }

    [Fact]
    public async Task Call_WithoutAVoiceApplication_IsRefusedNamingTheSetting_BeforeAnythingIsCreated()
    {
        _settings.VoiceApplicationId = null;

        var rejected = await Assert.ThrowsAsync<PhoneCallRejectedException>(() => _service.CallAsync(null));

        Assert.Equal(PhoneCallRejection.NotConfigured, rejected.Reason);
        Assert.Contains("Bandwidth:VoiceApplicationId", rejected.Message);
        Assert.Empty(_webRtc.Participants);
    }

    [Fact]
    public async Task Call_ToAnEmptyNumber_IsAnInvalidNumber()
    {
        var rejected = await Assert.ThrowsAsync<PhoneCallRejectedException>(() => _service.CallAsync(""));

        Assert.Equal(PhoneCallRejection.InvalidNumber, rejected.Reason);
    }

    [Fact]
    public async Task InboundCall_BeyondMaxActiveCalls_IsRefusedBeforeAParticipantIsCreated_UntilACallEnds()
    {
        await _service.AcceptInboundCallAsync("c-1", "+19195550123", "+19195550100", default);
        await _service.AcceptInboundCallAsync("c-2", "+19195550124", "+19195550100", default);

        var rejected = await Assert.ThrowsAsync<PhoneCallRejectedException>(
            () => _service.AcceptInboundCallAsync("c-3", "+19195550125", "+19195550100", default));

        Assert.Equal(PhoneCallRejection.TooManyActiveCalls, rejected.Reason);
        Assert.Contains("PhoneCalls:MaxActiveCalls", rejected.Message);
        Assert.Equal(2, _webRtc.Participants.Count);
        Assert.Null(_registry.Find("c-3"));
        Assert.NotNull(await _service.AcceptInboundCallAsync("c-2", "+19195550124", "+19195550100", default)); // a repeat of a known call
        await _service.EndCallAsync("c-1", "hangup");
        Assert.NotNull(await _service.AcceptInboundCallAsync("c-3", "+19195550125", "+19195550100", default));
    }

    [Fact]
    public async Task Call_WhenTheAppCarriesMaxActiveCalls_IsRefused()
    {
        await _service.AcceptInboundCallAsync("c-1", "+19195550123", "+19195550100", default);
        await _service.AcceptInboundCallAsync("c-2", "+19195550124", "+19195550100", default);

        var rejected = await Assert.ThrowsAsync<PhoneCallRejectedException>(() => _service.CallAsync(null));

        Assert.Equal(PhoneCallRejection.TooManyActiveCalls, rejected.Reason);
        Assert.Empty(_voice.Created);
    }

    [Fact]
    public async Task EndCall_ForAnUnknownCall_DoesNothing()
    {
        await _service.EndCallAsync("c-unknown", "hangup");

        Assert.Empty(_registry.Calls);
    }

    [Fact]
    public async Task HangUp_AsksBandwidthToCompleteTheCall()
    {
        var call = await _service.CallAsync(null);

        await _service.HangUpAsync(call.CallId);

        var (callId, request) = Assert.Single(_voice.Updated);
        Assert.Equal(call.CallId, callId);
        Assert.Equal(Blazor.Bandwidth.Voice.CallStateValue.Completed, request.State);
    }

    [Fact]
    public async Task HangUp_OfACallBandwidthNoLongerKnows_EndsItHere()
    {
        var call = await _service.CallAsync(null);
        _voice.FailNextUpdate(new BandwidthApiException(HttpStatusCode.NotFound, "updateCall", "Call not found"));

        await _service.HangUpAsync(call.CallId);

        Assert.Equal(CallState.Ended, _registry.Find(call.CallId)!.State);
        Assert.Empty(_webRtc.Participants);
    }
}

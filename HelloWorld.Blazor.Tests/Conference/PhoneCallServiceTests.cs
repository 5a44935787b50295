using System.Net;
using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Tests.TestDoubles;

namespace HelloWorld.Blazor.Tests.Conference;

/// <summary>The page's side of phone calls: placing a call (within <see cref="OutboundCallPolicy"/>) and hanging it up.</summary>
public sealed class PhoneCallServiceTests : IDisposable
{
    private readonly BandwidthOptions _settings = PhoneCallsUnderTest.AccountSettings();
    private readonly PhoneCallsUnderTest _calls;
    private readonly FakeWebRtcApi _webRtc;
    private readonly FakeVoiceApi _voice;
    private readonly ParticipantService _participants;
    private readonly CallRegistry _registry;
    private readonly CallLegs _legs;
    private readonly PhoneCallService _service;

    public PhoneCallServiceTests()
    {
        _calls = new PhoneCallsUnderTest(_settings, new PhoneCallOptions { MaxCallsPerMinute = 2, MaxActiveCalls = 2 });
        (_webRtc, _voice, _participants, _registry, _legs, _service) =
            (_calls.WebRtc, _calls.Voice, _calls.Participants, _calls.Registry, _calls.Legs, _calls.Service);
    }

    public void Dispose() => _calls.Dispose();

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
        await _legs.EndCallAsync(first.CallId, "hangup");
        await _legs.EndCallAsync(second.CallId, "hangup");

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
    public async Task Call_WhenTheAppCarriesMaxActiveCalls_IsRefused()
    {
        await _legs.AcceptInboundCallAsync("c-1", "+19195550123", "+19195550100", default);
        await _legs.AcceptInboundCallAsync("c-2", "+19195550124", "+19195550100", default);

        var rejected = await Assert.ThrowsAsync<PhoneCallRejectedException>(() => _service.CallAsync(null));

        Assert.Equal(PhoneCallRejection.TooManyActiveCalls, rejected.Reason);
        Assert.Empty(_voice.Created);
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

    [Fact]
    public async Task Calls_PlacedAtOnce_NeverPassMaxActiveCalls()
    {
        _settings.AllowedOutboundNumbers = ["+19195550124", "+19195550125"];
        using var calls = new PhoneCallsUnderTest(_settings, new PhoneCallOptions { MaxCallsPerMinute = 10, MaxActiveCalls = 2 });
        var joining = calls.WebRtc.HoldNext("createParticipant");
        var first = calls.Service.CallAsync("+19195550123");
        await joining.Entered; // admitted, and busy creating its participant: not registered yet

        await calls.Service.CallAsync("+19195550124");
        var third = await Assert.ThrowsAsync<PhoneCallRejectedException>(() => calls.Service.CallAsync("+19195550125"));
        joining.Release();
        await first;

        Assert.Equal(PhoneCallRejection.TooManyActiveCalls, third.Reason);
        Assert.Equal(2, calls.Registry.ActiveCount);
        Assert.Equal(2, calls.Voice.Created.Count);
    }

    [Fact]
    public async Task Calls_RefusedOrFailed_GiveTheirPlaceUnderMaxActiveCallsBack()
    {
        await _service.CallAsync("+19195550123");
        await Assert.ThrowsAsync<PhoneCallRejectedException>(() => _service.CallAsync("+19195550123")); // in a call already
        _voice.FailNextCreate(new BandwidthApiException(HttpStatusCode.BadRequest, "createCall", "Invalid to number"));
        await Assert.ThrowsAsync<BandwidthApiException>(() => _service.CallAsync("+19195550124"));

        Assert.NotNull(await _legs.AcceptInboundCallAsync("c-in", "+19195550125", "+19195550100", default)); // the second of two places
        Assert.Equal(2, _registry.ActiveCount);
    }
}

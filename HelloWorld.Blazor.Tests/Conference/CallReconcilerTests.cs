using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Bandwidth.Voice;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Security;
using Microsoft.Extensions.Time.Testing;

namespace HelloWorld.Blazor.Tests.Conference;

/// <summary>Calls whose webhooks never come are looked up with getCall once they are overdue, and ended.</summary>
public sealed class CallReconcilerTests : IDisposable
{
    private const string Phone = "+19195550123";

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));
    private readonly PhoneCallsUnderTest _calls;

    public CallReconcilerTests() =>
        _calls = new PhoneCallsUnderTest(PhoneCallsUnderTest.AccountSettings(), new PhoneCallOptions { RingTimeoutSeconds = 30 }, clock: _clock);

    public void Dispose() => _calls.Dispose();

    /// <summary>
    /// Issue 12: with no answer webhook ever (Bandwidth could not reach the app), /callPhone still answered 409 "in a call
    /// already" 13 minutes after a 30 s ring timeout, and the participant leaked.
    /// </summary>
    [Fact]
    public async Task APlacedCallWithNoAnswerWebhook_IsLookedUpAtRingTimeoutPlusTheWebhookDeadline_HungUpAndEnded()
    {
        var call = await _calls.Service.CallAsync(Phone, ClientAddress.Unknown);

        _clock.Advance(TimeSpan.FromSeconds(30 + 15) - TimeSpan.FromSeconds(1));
        Assert.Equal(0, _calls.Voice.GetCalls);
        _clock.Advance(TimeSpan.FromSeconds(1));
        await _calls.Reconciler.DrainAsync(default);

        Assert.Equal(1, _calls.Voice.GetCalls);
        Assert.Equal((call.CallId, CallStateValue.Completed), (Assert.Single(_calls.Voice.Updated).CallId, _calls.Voice.Updated.Single().Request.State));
        var ended = _calls.Registry.Find(call.CallId)!;
        Assert.Equal((CallState.Ended, "no answer webhook"), (ended.State, ended.EndCause));
        Assert.Empty(_calls.WebRtc.Participants);
        Assert.Equal(0, _calls.Capacity.Current.InUse);
        await _calls.Service.CallAsync(Phone, ClientAddress.Unknown); // the number is free again
    }

    [Fact]
    public async Task ACallBandwidthReportsDisconnected_IsEndedWithItsCause_WithoutAHangUp()
    {
        var call = await _calls.Service.CallAsync(Phone, ClientAddress.Unknown);
        _calls.Voice.SetState(call.CallId, "disconnected", "callback-error");

        _clock.Advance(_calls.Reconciler.AnswerDeadline);
        await _calls.Reconciler.DrainAsync(default);

        Assert.Equal("callback-error", _calls.Registry.Find(call.CallId)!.EndCause);
        Assert.Empty(_calls.Voice.Updated);
        Assert.Empty(_calls.WebRtc.Participants);
    }

    [Fact]
    public async Task ACallBandwidthDoesNotKnow_IsEndedAsUnknown()
    {
        var call = await _calls.Service.CallAsync(Phone, ClientAddress.Unknown);
        _calls.Voice.Forget(call.CallId);

        _clock.Advance(_calls.Reconciler.AnswerDeadline);
        await _calls.Reconciler.DrainAsync(default);

        Assert.Equal("unknown to Bandwidth", _calls.Registry.Find(call.CallId)!.EndCause);
    }

    [Fact]
    public async Task ACallAnsweredInTime_IsLeftInTheConference()
    {
        var call = await _calls.Service.CallAsync(Phone, ClientAddress.Unknown);
        await _calls.Legs.AnswerOutboundCallAsync(call.CallId, default);
        _calls.Legs.TransferAnswered(call.CallId);

        _clock.Advance(_calls.Reconciler.AnswerDeadline);
        await _calls.Reconciler.DrainAsync(default);

        Assert.Equal(CallState.Transferred, _calls.Registry.Find(call.CallId)!.State);
        Assert.Empty(_calls.Voice.Updated);
        Assert.Single(_calls.WebRtc.Participants);
    }

    [Fact]
    public async Task ALookupBandwidthDoesNotAnswer_IsRetriedByTheSweep()
    {
        await _calls.Reconciler.DrainAsync(default); // only the reconciler below looks calls up
        var call = await _calls.Service.CallAsync(Phone, ClientAddress.Unknown);
        var voice = new FailingGetCall(_calls.Voice);
        using var reconciler = new CallReconciler(_calls.Registry, _calls.Legs, voice, _clock,
            Microsoft.Extensions.Options.Options.Create(new PhoneCallOptions()), Microsoft.Extensions.Logging.Abstractions.NullLogger<CallReconciler>.Instance);
        reconciler.Watch(call);

        _clock.Advance(reconciler.AnswerDeadline);
        Assert.Equal(0, await reconciler.ReconcileAllAsync(default));
        Assert.True(_calls.Registry.Find(call.CallId)!.IsActive);

        voice.Answers = true;
        Assert.Equal(1, await reconciler.ReconcileAllAsync(default));
        Assert.False(_calls.Registry.Find(call.CallId)!.IsActive);
    }

    [Fact]
    public async Task ADialInWhoseDisconnectWasLost_IsEndedOnceBandwidthReportsItDisconnected()
    {
        await _calls.Legs.AcceptInboundCallAsync("c-dial-in", "+15555555555", "+19195550100", default);
        _calls.Voice.SetState("c-dial-in", "disconnected", "hangup");

        _clock.Advance(_calls.Reconciler.AnswerDeadline);
        Assert.Equal(1, await _calls.Reconciler.ReconcileAllAsync(default));

        Assert.Equal("hangup", _calls.Registry.Find("c-dial-in")!.EndCause);
        Assert.Empty(_calls.WebRtc.Participants);
    }

    /// <summary>getCall does not answer until told to; everything else is the fake's.</summary>
    private sealed class FailingGetCall(IVoiceApi inner) : IVoiceApi
    {
        public bool Answers { get; set; }

        public Task<CreateCallResponse> CreateCallAsync(CreateCallRequest request, CancellationToken cancellationToken = default) =>
            inner.CreateCallAsync(request, cancellationToken);

        public Task<CallStateInformation> GetCallAsync(string callId, CancellationToken cancellationToken = default) =>
            Answers ? inner.GetCallAsync(callId, cancellationToken)
                : Task.FromException<CallStateInformation>(new BandwidthUnavailableException("getCallState", "timed out"));

        public Task UpdateCallAsync(string callId, UpdateCallRequest request, CancellationToken cancellationToken = default) =>
            inner.UpdateCallAsync(callId, request, cancellationToken);
    }
}

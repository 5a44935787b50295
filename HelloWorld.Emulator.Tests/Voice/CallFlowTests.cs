using System.Text;
using System.Text.Json.Nodes;
using HelloWorld.Emulator.Signaling;
using HelloWorld.Emulator.Tokens;
using HelloWorld.Emulator.Voice;
using HelloWorld.Emulator.WebRtc;
using HelloWorld.Testing;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HelloWorld.Emulator.Tests.Voice;

/// <summary>Calls end to end inside the emulator: webhooks to the "app" (this host), the BXML it answers, executed.</summary>
public sealed class CallFlowTests : IAsyncLifetime
{
    private const string Phone = "+19195550124";
    private EmulatorHost _emulator = null!;

    private CallEngine Calls => _emulator.Services.GetRequiredService<CallEngine>();

    public async Task InitializeAsync() => _emulator = await EmulatorHost.StartAsync(options =>
    {
        options.CallbackUsername = "hook-user";
        options.CallbackPassword = "hook-password";
    });

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task DialIn_PostsTheInitiateWebhookWithTheSpecsFields_AndRecordsWhatIsSpokenBeforeHangup()
    {
        _emulator.AnswerBxml("/incomingCall", """<Response><SpeakSentence voice="julie">Hello there.</SpeakSentence><Hangup/></Response>""");

        var call = Calls.DialIn(Phone);

        var ended = await Eventually.HoldsAsync(() => call, c => c.Phase == CallPhase.Completed, "the call to end");
        Assert.Equal("hangup", ended.Cause);
        Assert.Equal(["Hello there."], ended.Heard);
        var initiate = JsonNode.Parse(_emulator.Webhooks.First(w => w.Path == "/incomingCall").Body)!;
        Assert.Equal("initiate", (string?)initiate["eventType"]);
        Assert.Equal(Phone, (string?)initiate["from"]);
        Assert.Equal("+19195550100", (string?)initiate["to"]);
        Assert.Equal("inbound", (string?)initiate["direction"]);
        Assert.Equal(call.CallId, (string?)initiate["callId"]);
        Assert.Equal("9900000", (string?)initiate["accountId"]);
        Assert.NotNull(initiate["callUrl"]);
        Assert.NotNull(initiate["startTime"]);
        var disconnect = await Eventually.HoldsAsync(() => _emulator.Webhooks.FirstOrDefault(w => w.Path == "/callStatus"), w => w is not null, "the disconnect webhook");
        var body = JsonNode.Parse(disconnect!.Body)!;
        Assert.Equal("disconnect", (string?)body["eventType"]);
        Assert.Equal("hangup", (string?)body["cause"]);
        Assert.NotNull(body["endTime"]);
    }

    [Fact]
    public async Task DialIn_HungUpByTheCallerBeforeTheAppAnswers_EndsWithCauseCancel()
    {
        var release = new TaskCompletionSource();
        _emulator.AppAnswers["/incomingCall"] = async (context, _) =>
        {
            await release.Task;
            context.Response.ContentType = "application/xml";
            await context.Response.WriteAsync("<Response><SpeakSentence>Too late.</SpeakSentence></Response>");
        };
        var call = Calls.DialIn(Phone);
        await Eventually.HoldsAsync(() => _emulator.Webhooks.Any(w => w.Path == "/incomingCall"), sent => sent, "the initiate webhook");

        Assert.True(Calls.HangUp(call.CallId));

        await Eventually.HoldsAsync(() => call, c => c.Phase == CallPhase.Completed, "the call to end");
        release.SetResult();
        Assert.Equal("cancel", call.Cause);
        Assert.Empty(call.Heard);
        var disconnect = await Eventually.HoldsAsync(() => _emulator.Webhooks.FirstOrDefault(w => w.Path == "/callStatus"), w => w is not null, "the disconnect webhook");
        Assert.Equal("cancel", (string?)JsonNode.Parse(disconnect!.Body)!["cause"]);
    }

    [Fact]
    public async Task Webhook_WhenTheAppChallenges_IsSentAgainWithTheCallbackCredentials()
    {
        _emulator.AnswerBxmlWithBasicAuth("/incomingCall", "hook-user", "hook-password", "<Response><Hangup/></Response>");

        var call = Calls.DialIn(Phone);

        await Eventually.HoldsAsync(() => call, c => c.Phase == CallPhase.Completed, "the call to end");
        var attempts = _emulator.Webhooks.Where(w => w.Path == "/incomingCall").ToList();
        Assert.Equal(2, attempts.Count);
        Assert.Equal("", attempts[0].Authorization); // first without credentials, as Bandwidth does
        Assert.StartsWith("Basic ", attempts[1].Authorization);
        Assert.Equal("hangup", call.Cause);
        Assert.True(call.Webhooks.Single(w => w.EventType == "initiate").Authenticated);
    }

    [Fact]
    public async Task Webhook_RefusedWithoutABasicChallenge_IsLost_AndTheCallFailsWithCallbackError()
    {
        _emulator.AppAnswers["/incomingCall"] = (context, _) =>
        {
            context.Response.StatusCode = StatusCodes.Status401Unauthorized; // no WWW-Authenticate
            return Task.CompletedTask;
        };

        var call = Calls.DialIn(Phone);

        await Eventually.HoldsAsync(() => call, c => c.Phase == CallPhase.Completed, "the call to fail");
        Assert.Equal("callback-error", call.Cause);
        Assert.Single(_emulator.Webhooks, w => w.Path == "/incomingCall");
    }

    [Fact]
    public async Task Webhook_ThatTheAppDoesNotAnswerWithinTheCallbackTimeout_FailsTheCallWithCallbackError()
    {
        var time = new FakeTimeProvider(DateTimeOffset.UtcNow);
        await using var emulator = await EmulatorHost.StartAsync(
            options => options.CallbackTimeout = TimeSpan.FromSeconds(25), services => services.AddSingleton<TimeProvider>(time));
        emulator.AppAnswers["/incomingCall"] = (context, _) => Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted);
        var call = emulator.Services.GetRequiredService<CallEngine>().DialIn(Phone);
        await Eventually.HoldsAsync(() => emulator.Webhooks.Any(w => w.Path == "/incomingCall"), sent => sent, "the initiate webhook");

        time.Advance(TimeSpan.FromSeconds(25)); // the emulator's clock only: the app's handler is still waiting

        await Eventually.HoldsAsync(() => call, c => c.Phase == CallPhase.Completed, "the call to fail");
        Assert.Equal("callback-error", call.Cause);
        Assert.Contains("no answer within 25 s", call.ErrorMessage);
        Assert.Equal(0, call.Webhooks.Single(w => w.EventType == "initiate").Status);
    }

    [Theory]
    [InlineData("not xml at all", "Not well-formed")]
    [InlineData("<Speak>hi</Speak>", "<Response>")]
    [InlineData("<Response><Dance/></Response>", "Dance")]
    public async Task InvalidBxml_FailsTheCallWithInvalidBxml(string bxml, string reason)
    {
        _emulator.AnswerBxml("/incomingCall", bxml);

        var call = Calls.DialIn(Phone);

        await Eventually.HoldsAsync(() => call, c => c.Phase == CallPhase.Completed, "the call to fail");
        Assert.Equal("invalid-bxml", call.Cause);
        Assert.Contains(reason, call.ErrorMessage);
    }

    [Fact]
    public async Task Transfer_WithTheParticipantsToken_JoinsThePhoneToWebRtcAsThatParticipant()
    {
        var (participantId, token) = Participant();
        _emulator.AppAnswers["/incomingCall"] = async (context, webhook) =>
        {
            // As the app does: the call id from the webhook, without its first character and its dashes, then the token.
            var callId = (string)JsonNode.Parse(webhook.Body)!["callId"]!;
            context.Response.ContentType = "application/xml";
            await context.Response.WriteAsync(Transfer($"{callId[1..].Replace("-", "", StringComparison.Ordinal)};encoding=base64,{token};encoding=jwt"));
        };

        var call = Calls.DialIn(Phone);

        await Eventually.HoldsAsync(() => call, c => c.Phase == CallPhase.Transferred, "the transfer");
        Assert.Equal(participantId, call.ParticipantId);
        var streams = _emulator.Services.GetRequiredService<IStreamDirectory>();
        Assert.Contains(streams.Devices, device => device.ParticipantId == participantId && device.Kind == "phone");
        Assert.Contains(streams.PublishedStreams, stream => stream.ParticipantId == participantId);

        Calls.HangUp(call.CallId);

        await Eventually.HoldsAsync(() => streams.Devices, devices => devices.All(d => d.ParticipantId != participantId), "the phone to leave");
    }

    [Fact]
    public async Task Transfer_WithATokenAloneInUui_IsAccepted()
    {
        var (_, token) = Participant();
        _emulator.AnswerBxml("/incomingCall", Transfer($"{token};encoding=jwt"));

        var call = Calls.DialIn(Phone);

        await Eventually.HoldsAsync(() => call, c => c.Phase == CallPhase.Transferred, "the transfer");
    }

    [Theory]
    [InlineData("garbage;encoding=jwt")]
    [InlineData("")]
    public async Task Transfer_WithAnInvalidToken_FailsItsLeg_AndTheCallHangsUpWhenItsBxmlRunsOut(string uui)
    {
        _emulator.AnswerBxml("/incomingCall", Transfer(uui));

        var call = Calls.DialIn(Phone);

        await Eventually.HoldsAsync(() => call, c => c.Phase == CallPhase.Completed, "the call to end");
        Assert.Equal("error", call.Leg!.Cause);
        Assert.Equal("hangup", call.Cause);
        Assert.Null(call.ParticipantId);
    }

    [Fact]
    public async Task Transfer_OfAParticipantWithoutAudioPermission_JoinsThePhoneToListen_WithoutPublishingItsVoice()
    {
        var (participantId, token) = Participant(permissions: []);
        _emulator.AnswerBxml("/incomingCall", Transfer($"{token};encoding=jwt"));

        var call = Calls.DialIn(Phone);

        await Eventually.HoldsAsync(() => call, c => c.Phase == CallPhase.Transferred && c.Device is not null, "the transfer");
        var streams = _emulator.Services.GetRequiredService<IStreamDirectory>();
        Assert.Contains(streams.Devices, device => device.ParticipantId == participantId && device.Kind == "phone");
        Assert.DoesNotContain(streams.PublishedStreams, stream => stream.ParticipantId == participantId);
        Assert.Contains(_emulator.Logs.GetSnapshot(), line =>
            line.Message.Contains($"joins as participant {participantId} without publishing", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Transfer_OfAParticipantWithAudioPermission_PublishesThePhonesVoice()
    {
        var (participantId, token) = Participant(permissions: ["AUDIO"]);
        _emulator.AnswerBxml("/incomingCall", Transfer($"{token};encoding=jwt"));

        var call = Calls.DialIn(Phone);

        await Eventually.HoldsAsync(() => call, c => c.Phase == CallPhase.Transferred && c.Device is not null, "the transfer");
        var published = Assert.Single(_emulator.Services.GetRequiredService<IStreamDirectory>().PublishedStreams, s => s.ParticipantId == participantId);
        Assert.Equal(["AUDIO"], published.MediaTypes);
    }

    [Fact]
    public async Task DeletingThePhonesParticipantWhileThePhoneJoins_EndsItsCall()
    {
        await using var emulator = await EmulatorHost.StartAsync(services: services =>
            services.AddSingleton<IVirtualDevices>(provider => new DeletingWhileJoining(
                provider.GetRequiredService<WebRtcStore>(), ActivatorUtilities.CreateInstance<VirtualDevices>(provider))));
        var store = emulator.Services.GetRequiredService<WebRtcStore>();
        var participant = store.CreateParticipant(["AUDIO"], "phone", "V3", null).Id;
        emulator.AnswerBxml("/incomingCall", Transfer($"{emulator.Services.GetRequiredService<DeviceTokens>().Issue(participant)};encoding=jwt"));

        var call = emulator.Services.GetRequiredService<CallEngine>().DialIn(Phone);

        await Eventually.HoldsAsync(() => call, c => c.Phase == CallPhase.Completed, "the call to end");
        Assert.Equal("hangup", call.Cause);
        var streams = emulator.Services.GetRequiredService<IStreamDirectory>();
        await Eventually.HoldsAsync(() => streams.Devices, devices => devices.Count == 0, "the phone to leave");
    }

    [Fact]
    public async Task Redirect_OfACallInWebRtc_TakesThePhoneOutOfTheSession_AndRunsTheNewBxml()
    {
        var (participantId, token) = Participant();
        _emulator.AnswerBxml("/incomingCall", Transfer($"{token};encoding=jwt"));
        _emulator.AnswerBxml("/redirected", """<Response><SpeakSentence>Back on the phone.</SpeakSentence><Pause duration="300"/></Response>""");
        var call = Calls.DialIn(Phone);
        await Eventually.HoldsAsync(() => call, c => c.Phase == CallPhase.Transferred && c.Device is not null, "the transfer");
        var streams = _emulator.Services.GetRequiredService<IStreamDirectory>();

        var response = await _emulator.Api.PostAsync(_emulator.Voice($"calls/{call.CallId}"),
            new StringContent($$"""{"state": "active", "redirectUrl": "{{_emulator.BaseUrl}}/redirected"}""", Encoding.UTF8, "application/json"));

        Assert.Equal(System.Net.HttpStatusCode.OK, response.StatusCode);
        await Eventually.HoldsAsync(() => call, c => c.Heard.Contains("Back on the phone."), "the redirect's BXML");
        Assert.Equal(CallPhase.Answered, call.Phase);
        Assert.Null(call.ParticipantId);
        Assert.DoesNotContain(streams.Devices, device => device.ParticipantId == participantId);
        Assert.DoesNotContain(streams.PublishedStreams, stream => stream.ParticipantId == participantId);
    }

    [Fact]
    public async Task DeletingThePhonesParticipant_EndsItsCall()
    {
        var (participantId, token) = Participant();
        _emulator.AnswerBxml("/incomingCall", Transfer($"{token};encoding=jwt"));
        var call = Calls.DialIn(Phone);
        await Eventually.HoldsAsync(() => call, c => c.Phase == CallPhase.Transferred, "the transfer");

        _emulator.Services.GetRequiredService<WebRtcStore>().DeleteParticipant(participantId);

        await Eventually.HoldsAsync(() => call, c => c.Phase == CallPhase.Completed, "the call to end");
        Assert.Equal("hangup", call.Cause);
    }

    [Fact]
    public async Task OutboundCall_Answered_PostsTheAnswerWebhookWithTheTag_AndDeclinedEndsRejected()
    {
        _emulator.AnswerBxml("/callAnswered", "<Response><SpeakSentence>Hi</SpeakSentence><Hangup/></Response>");
        var answered = PlaceCall();
        var declined = PlaceCall(to: "+19195550123");

        Assert.True(Calls.Answer(answered.CallId));
        Assert.True(Calls.Decline(declined.CallId));

        await Eventually.HoldsAsync(() => answered, c => c.Phase == CallPhase.Completed, "the answered call to end");
        await Eventually.HoldsAsync(() => declined, c => c.Phase == CallPhase.Completed, "the declined call to end");
        var answer = JsonNode.Parse(_emulator.Webhooks.First(w => w.Path == "/callAnswered").Body)!;
        Assert.Equal("answer", (string?)answer["eventType"]);
        Assert.Equal("outbound", (string?)answer["direction"]);
        Assert.Equal("my-tag", (string?)answer["tag"]);
        Assert.NotNull(answer["answerTime"]);
        Assert.Equal("rejected", declined.Cause);
        Assert.Equal(["Hi"], answered.Heard);
    }

    [Fact]
    public async Task OutboundCall_ToANumberWithNoSimulatedPhone_FailsAtOnce()
    {
        var call = PlaceCall(to: "+12025550123");

        await Eventually.HoldsAsync(() => call, c => c.Phase == CallPhase.Completed, "the call to fail");
        Assert.Equal("error", call.Cause);
    }

    private EmulatedCall PlaceCall(string to = "+19195550123") => Calls.PlaceCall("+19195550100", to,
        new CallCallbacks($"{_emulator.BaseUrl}/callAnswered", $"{_emulator.BaseUrl}/callStatus", null, null, "my-tag", TimeSpan.FromSeconds(15), "em-voice-application"),
        TimeSpan.FromSeconds(30));

    private (string ParticipantId, string Token) Participant(IReadOnlyList<string>? permissions = null)
    {
        var store = _emulator.Services.GetRequiredService<WebRtcStore>();
        var session = store.CreateSession("s").Id;
        var participant = store.CreateParticipant(permissions ?? ["AUDIO"], "phone", "V3", null).Id;
        store.AddToSession(session, participant, new EmulatedSubscriptions(session, []));
        return (participant, _emulator.Services.GetRequiredService<DeviceTokens>().Issue(participant));
    }

    /// <summary>The app deletes the participant just as the phone is being connected as it.</summary>
    private sealed class DeletingWhileJoining(WebRtcStore store, IVirtualDevices devices) : IVirtualDevices
    {
        public IVirtualDevice ConnectPhone(EmulatedParticipant participant, string phoneNumber)
        {
            store.DeleteParticipant(participant.Id);
            return devices.ConnectPhone(participant, phoneNumber);
        }
    }

    private static string Transfer(string uui) =>
        new StringBuilder("<Response><Transfer><SipUri uui=\"").Append(System.Security.SecurityElement.Escape(uui))
            .Append("\">sip:sipx.webrtc.bandwidth.com:5060</SipUri></Transfer></Response>").ToString();
}

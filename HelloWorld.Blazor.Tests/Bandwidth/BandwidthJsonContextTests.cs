using System.Text.Json;
using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Bandwidth.Voice;
using HelloWorld.Blazor.Bandwidth.WebRtc;

namespace HelloWorld.Blazor.Tests.Bandwidth;

/// <summary>The Bandwidth clients' JSON comes from the generated context and keeps the specs' shapes and the app's rules.</summary>
public sealed class BandwidthJsonContextTests
{
    private static readonly JsonSerializerOptions Options = BandwidthRestClient.JsonOptions;

    public static TheoryData<Type> Models =>
    [
        typeof(CreateParticipantRequest), typeof(CreateParticipantResponse), typeof(Participant), typeof(List<Participant>),
        typeof(Session), typeof(Subscriptions), typeof(CreateCallRequest), typeof(CreateCallResponse), typeof(UpdateCallRequest),
        typeof(CallStateInformation), typeof(VoiceApiError),
    ];

    [Theory]
    [MemberData(nameof(Models))]
    public void EveryModelTheClientsSendOrRead_ComesFromTheGeneratedContext(Type model) =>
        Assert.Same(BandwidthJsonContext.Default, Options.GetTypeInfo(model).OriginatingResolver);

    [Fact]
    public void ATypeOutsideTheContext_IsRefused_RatherThanReadByReflection() =>
        Assert.Throws<NotSupportedException>(() => JsonSerializer.Serialize(new Uri("https://example.com"), Options));

    [Fact]
    public void CreateParticipantRequest_IsWrittenAsWebRtcYmlShowsIt_AndReadBack()
    {
        var request = new CreateParticipantRequest([PublishPermission.AUDIO], "hello-world-phone");

        var json = JsonSerializer.Serialize(request, Options);

        JsonAssert.Equal("""{"publishPermissions": ["AUDIO"], "tag": "hello-world-phone", "deviceApiVersion": "V3"}""", json);
        var read = JsonSerializer.Deserialize<CreateParticipantRequest>(json, Options)!;
        Assert.Equal((request.Tag, request.DeviceApiVersion, request.CallbackUrl), (read.Tag, read.DeviceApiVersion, read.CallbackUrl));
        Assert.Equal(request.PublishPermissions, read.PublishPermissions);
    }

    [Fact]
    public void CreateParticipantResponse_IsRead_WithUnknownFieldsAndValuesKeptOrIgnored()
    {
        const string answer = """
            {"participant": {"id": "p-1", "publishPermissions": ["AUDIO", "SCREEN"], "sessions": ["s-1"], "tag": "t",
              "deviceApiVersion": "V4", "subscriptions": {"sessionId": "s-1", "participants": [{"participantId": "p-2", "streamAliases": ["a"]}]},
              "addedLater": {"x": 1}},
             "token": "eyJ.token", "alsoAddedLater": true}
            """;

        var read = JsonSerializer.Deserialize<CreateParticipantResponse>(answer, Options)!;

        Assert.Equal(("p-1", "eyJ.token", "V4"), (read.Participant.Id, read.Token, read.Participant.DeviceApiVersion?.Value));
        Assert.Equal(["AUDIO", "SCREEN"], read.Participant.PublishPermissions!.Select(permission => permission.Value));
        Assert.Equal("p-2", read.Participant.Subscriptions!.Participants!.Single().ParticipantId);
        JsonAssert.Equal(
            """{"participant": {"id": "p-1", "publishPermissions": ["AUDIO", "SCREEN"], "sessions": ["s-1"], "subscriptions": {"sessionId": "s-1", "participants": [{"participantId": "p-2", "streamAliases": ["a"]}]}, "tag": "t", "deviceApiVersion": "V4"}, "token": "eyJ.token"}""",
            JsonSerializer.Serialize(read, Options));
    }

    [Theory]
    [InlineData("""{"participant": {"id": "p-1"}}""")]
    [InlineData("""{"participant": {"id": null}, "token": "eyJ.token"}""")]
    [InlineData("""{"participant": {"id": "p-1"}, "token": null}""")]
    public void CreateParticipantResponse_WithoutAFieldTheAppNeeds_IsRefused(string answer) =>
        Assert.Throws<JsonException>(() => JsonSerializer.Deserialize<CreateParticipantResponse>(answer, Options));

    [Fact]
    public void VoiceBodies_AreWrittenAsVoiceYmlShowsThem_AndReadBack()
    {
        var call = new CreateCallRequest("+19195550123", "+19195550100", "app-1", "https://app.example.com/callAnswered", Tag: "t", CallTimeout: 30);

        JsonAssert.Equal(
            """{"to": "+19195550123", "from": "+19195550100", "applicationId": "app-1", "answerUrl": "https://app.example.com/callAnswered", "tag": "t", "callTimeout": 30, "answerMethod": "POST", "disconnectMethod": "POST"}""",
            JsonSerializer.Serialize(call, Options));
        Assert.Equal(call, JsonSerializer.Deserialize<CreateCallRequest>(JsonSerializer.Serialize(call, Options), Options));
        JsonAssert.Equal("""{"state": "completed"}""", JsonSerializer.Serialize(UpdateCallRequest.HangUp, Options));
        Assert.Equal(UpdateCallRequest.HangUp, JsonSerializer.Deserialize<UpdateCallRequest>("""{"state": "completed"}""", Options));

        var state = JsonSerializer.Deserialize<CallStateInformation>(
            """{"callId": "c-1", "state": "disconnected", "disconnectCause": "hangup", "startTime": "2022-06-17T22:19:40.375Z", "stirShaken": {}}""", Options)!;
        Assert.True(state.IsDisconnected);
        Assert.Equal(("c-1", "hangup"), (state.CallId, state.DisconnectCause));
        Assert.Equal(new DateTimeOffset(2022, 6, 17, 22, 19, 40, 375, TimeSpan.Zero), state.StartTime);
        Assert.Equal("c-1", JsonSerializer.Deserialize<CreateCallResponse>("""{"callId": "c-1", "enqueuedTime": null}""", Options)!.CallId);
    }
}

using System.Net;
using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Bandwidth.Voice;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace HelloWorld.Blazor.Tests.Bandwidth.Voice;

public sealed class VoiceApiClientTests : IAsyncLifetime
{
    private const string Calls = "/api/v2/accounts/9900000/calls";
    private const string CallId = "c-15ac29a2-1331029c-2cb0-4a07-b215-b22865662d85";
    private BandwidthApiTestHost _host = null!;

    private IVoiceApi Api => _host.Get<IVoiceApi>();

    public Task InitializeAsync()
    {
        _host = new BandwidthApiTestHost();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task CreateCall_PostsTheSpecBodyWithBasicAuth_AndReturnsTheCall()
    {
        _host.Server.Given(Request.Create().WithPath(Calls).UsingPost()).RespondWith(Response.Create().WithStatusCode(201)
            .WithHeader("Content-Type", "application/json")
            .WithBody($$"""
                {"applicationId": "voice-app", "accountId": "9900000", "callId": "{{CallId}}", "to": "+19195550123",
                 "from": "+19195550100", "enqueuedTime": "2022-06-16T13:15:07.160Z",
                 "callUrl": "https://voice.bandwidth.com/api/v2/accounts/9900000/calls/{{CallId}}", "callTimeout": 30,
                 "callbackTimeout": 15, "tag": "hello-world", "answerMethod": "POST",
                 "answerUrl": "https://app.example.com/callAnswered", "disconnectMethod": "POST",
                 "disconnectUrl": "https://app.example.com/callStatus", "priority": 5}
                """));

        var call = await Api.CreateCallAsync(new CreateCallRequest(
            To: "+19195550123", From: "+19195550100", ApplicationId: "voice-app", AnswerUrl: "https://app.example.com/callAnswered",
            DisconnectUrl: "https://app.example.com/callStatus", Username: "hook-user", Password: "hook-password", Tag: "hello-world"));

        Assert.Equal(CallId, call.CallId);
        Assert.Equal(DateTimeOffset.Parse("2022-06-16T13:15:07.160Z"), call.EnqueuedTime);
        var request = Assert.Single(_host.Server.LogEntries).RequestMessage;
        Assert.Equal(BandwidthApiTestHost.ExpectedAuthorization, request.Headers!["Authorization"].Single());
        JsonAssert.Equal("""
            {"to": "+19195550123", "from": "+19195550100", "applicationId": "voice-app",
             "answerUrl": "https://app.example.com/callAnswered", "disconnectUrl": "https://app.example.com/callStatus",
             "username": "hook-user", "password": "hook-password", "tag": "hello-world",
             "answerMethod": "POST", "disconnectMethod": "POST"}
            """, request.Body);
    }

    [Fact]
    public async Task UpdateCall_HangUp_PostsStateCompleted()
    {
        _host.Server.Given(Request.Create().WithPath($"{Calls}/{CallId}").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));

        await Api.UpdateCallAsync(CallId, UpdateCallRequest.HangUp);

        JsonAssert.Equal("""{"state": "completed"}""", Assert.Single(_host.Server.LogEntries).RequestMessage.Body);
    }

    [Theory]
    [InlineData(400, "validation", "Invalid to number")]
    [InlineData(404, "not-found", "Call not found")]
    [InlineData(409, "conflict", "Call is already completed")]
    public async Task ErrorStatus_BecomesBandwidthApiException_WithTheVoiceErrorBody(int status, string type, string description)
    {
        _host.Server.Given(Request.Create().WithPath($"{Calls}/{CallId}").UsingPost()).RespondWith(Response.Create().WithStatusCode(status)
            .WithHeader("Content-Type", "application/json")
            .WithBody($$"""{"type": "{{type}}", "description": "{{description}}", "id": "e-1"}"""));

        var error = await Assert.ThrowsAsync<BandwidthApiException>(() => Api.UpdateCallAsync(CallId, UpdateCallRequest.HangUp));

        Assert.Equal((HttpStatusCode)status, error.StatusCode);
        Assert.Equal("updateCall", error.Operation);
        Assert.Equal(type, error.ErrorType);
        Assert.Equal(description, error.ErrorMessage);
        Assert.Equal("e-1", error.RequestId);
    }
}

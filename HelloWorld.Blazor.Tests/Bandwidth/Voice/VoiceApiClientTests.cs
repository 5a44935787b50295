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

    [Theory]
    [InlineData(400, "validation", "Invalid to number")]
    [InlineData(401, "unauthorized", "Unauthorized")]
    [InlineData(403, "forbidden", "Account is not allowed to call this number")]
    [InlineData(409, "conflict", "Application is not a Voice application")]
    public async Task CreateCall_ErrorStatus_BecomesBandwidthApiException_WithTheVoiceErrorBody_AndIsNotRetried(int status, string type, string description)
    {
        _host.Server.Given(Request.Create().WithPath(Calls).UsingPost()).RespondWith(Response.Create().WithStatusCode(status)
            .WithHeader("Content-Type", "application/json")
            .WithBody($$"""{"type": "{{type}}", "description": "{{description}}", "id": "e-2"}"""));

        var error = await Assert.ThrowsAsync<BandwidthApiException>(() => Api.CreateCallAsync(Call()));

        Assert.Equal((HttpStatusCode)status, error.StatusCode);
        Assert.Equal("createCall", error.Operation);
        Assert.Equal(type, error.ErrorType);
        Assert.Equal(description, error.ErrorMessage);
        Assert.Equal("e-2", error.RequestId);
        Assert.Single(_host.Server.LogEntries);
    }

    [Fact]
    public async Task CreateCall_On429WithRetryAfter_WaitsThenRetries()
    {
        var scenario = Guid.NewGuid().ToString();
        _host.Server.Given(Request.Create().WithPath(Calls).UsingPost()).InScenario(scenario).WillSetStateTo("allowed")
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "1")
                .WithHeader("Content-Type", "application/json").WithBody("""{"type": "rate-limit", "description": "Too many calls"}"""));
        _host.Server.Given(Request.Create().WithPath(Calls).UsingPost()).InScenario(scenario).WhenStateIs("allowed")
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody(CallCreated));
        var clock = System.Diagnostics.Stopwatch.StartNew();

        var call = await Api.CreateCallAsync(Call());

        Assert.Equal(CallId, call.CallId);
        Assert.Equal(2, _host.Server.LogEntries.Count());
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"retried after {clock.Elapsed}, before Retry-After said");
    }

    [Theory]
    [InlineData("")]
    [InlineData("<html>Created</html>")]
    [InlineData("""{"accountId": "9900000", "to": "+19195550123"}""")]
    [InlineData("""{"callId": null}""")]
    [InlineData("""{"callId": ""}""")]
    [InlineData("""{"callId": 42}""")]
    public async Task CreateCall_201WithoutAUsableCall_BecomesBandwidthApiException(string body)
    {
        _host.Server.Given(Request.Create().WithPath(Calls).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody(body));

        var error = await Assert.ThrowsAsync<BandwidthApiException>(() => Api.CreateCallAsync(Call()));

        Assert.Equal(HttpStatusCode.Created, error.StatusCode);
        Assert.Equal("createCall", error.Operation);
    }

    [Fact]
    public async Task CreateCall_AnsweredWithOnlyTheCallId_IsAPlacedCall()
    {
        _host.Server.Given(Request.Create().WithPath(Calls).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody($$"""{"callId": "{{CallId}}"}"""));

        var call = await Api.CreateCallAsync(Call());

        Assert.Equal(CallId, call.CallId);
        Assert.Single(_host.Server.LogEntries); // nothing hung up
    }

    [Theory]
    [InlineData($$"""{"callId": "{{CallId}}", "enqueuedTime": "yesterday"}""")]
    [InlineData($$"""{"callId": "{{CallId}}", "callTimeout": "thirty"}""")]
    [InlineData($$"""{"callId": "{{CallId}}", "to": "+19195550123", """)]
    public async Task CreateCall_AnswerTheAppRefuses_ThatNamesTheCall_HangsItUp_ThenFails(string body)
    {
        _host.Server.Given(Request.Create().WithPath(Calls).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(201).WithHeader("Content-Type", "application/json").WithBody(body));
        _host.Server.Given(Request.Create().WithPath($"{Calls}/{CallId}").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));

        var error = await Assert.ThrowsAsync<BandwidthApiException>(() => Api.CreateCallAsync(Call()));

        Assert.Equal("createCall", error.Operation);
        var hangUp = Assert.Single(_host.Server.LogEntries, e => e.RequestMessage.Path == $"{Calls}/{CallId}").RequestMessage;
        JsonAssert.Equal("""{"state": "completed"}""", hangUp.Body);
    }

    [Fact]
    public async Task CreateCall_WhenBandwidthCannotBeReached_BecomesBandwidthUnavailable()
    {
        using var refusing = new System.Net.Sockets.Socket(System.Net.Sockets.AddressFamily.InterNetwork,
            System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
        refusing.Bind(new IPEndPoint(IPAddress.Loopback, 0)); // bound, never listening: every connection is refused
        await using var host = new BandwidthApiTestHost(new Dictionary<string, string?>
        {
            ["Bandwidth:VoiceApiBaseUrl"] = $"http://127.0.0.1:{((IPEndPoint)refusing.LocalEndPoint!).Port}/api/v2",
        });

        var error = await Assert.ThrowsAsync<BandwidthUnavailableException>(() => host.Get<IVoiceApi>().CreateCallAsync(Call()));

        Assert.Equal("createCall", error.Operation);
        Assert.Contains("connection failed", error.Message);
    }

    [Fact]
    public async Task UpdateCall_HangUp_PostsStateCompleted()
    {
        _host.Server.Given(Request.Create().WithPath($"{Calls}/{CallId}").UsingPost()).RespondWith(Response.Create().WithStatusCode(200));

        await Api.UpdateCallAsync(CallId, UpdateCallRequest.HangUp);

        JsonAssert.Equal("""{"state": "completed"}""", Assert.Single(_host.Server.LogEntries).RequestMessage.Body);
    }

    private static CreateCallRequest Call() => new(
        To: "+19195550123", From: "+19195550100", ApplicationId: "voice-app", AnswerUrl: "https://app.example.com/callAnswered");

    private static string CallCreated => $$"""
        {"applicationId": "voice-app", "accountId": "9900000", "callId": "{{CallId}}", "to": "+19195550123",
         "from": "+19195550100", "callUrl": "https://voice.bandwidth.com/api/v2/accounts/9900000/calls/{{CallId}}",
         "answerMethod": "POST", "answerUrl": "https://app.example.com/callAnswered", "disconnectMethod": "POST"}
        """;

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

using System.Net;
using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Bandwidth.WebRtc;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace HelloWorld.Blazor.Tests.Bandwidth.WebRtc;

public sealed class WebRtcApiClientTests : IAsyncLifetime
{
    private const string Base = "/v1/accounts/9900000";
    private BandwidthApiTestHost _host = null!;

    private IWebRtcApi Api => _host.Get<IWebRtcApi>();

    public Task InitializeAsync()
    {
        _host = new BandwidthApiTestHost();
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task CreateParticipant_PostsTheSpecBodyWithBasicAuth_AndReturnsParticipantAndToken()
    {
        Respond("POST", $"{Base}/participants", 200,
            """{"participant": {"id": "p-1", "publishPermissions": ["AUDIO"], "sessions": [], "tag": "hello-world-browser", "deviceApiVersion": "V3"}, "token": "eyJ.token"}""");

        var created = await Api.CreateParticipantAsync(new CreateParticipantRequest([PublishPermission.AUDIO], "hello-world-browser"));

        Assert.Equal("p-1", created.Participant.Id);
        Assert.Equal("eyJ.token", created.Token);
        Assert.Equal([PublishPermission.AUDIO], created.Participant.PublishPermissions);
        var request = SingleRequest("POST", $"{Base}/participants");
        Assert.Equal(BandwidthApiTestHost.ExpectedAuthorization, request.Headers!["Authorization"].Single());
        Assert.StartsWith("application/json", request.Headers["Content-Type"].Single());
        JsonAssert.Equal("""{"publishPermissions": ["AUDIO"], "tag": "hello-world-browser", "deviceApiVersion": "V3"}""", request.Body);
    }

    /// <summary>Every operation of the client: its method, path, a success answer, and how to call it.</summary>
    private static readonly Dictionary<string, (string Method, string Path, int Status, string? Body, Func<IWebRtcApi, Task> Call)> Operations = new()
    {
        ["createParticipant"] = ("POST", $"{Base}/participants", 200, """{"participant": {"id": "p-1"}, "token": "t"}""",
            api => api.CreateParticipantAsync(new CreateParticipantRequest([PublishPermission.AUDIO]))),
        ["getParticipant"] = ("GET", $"{Base}/participants/p-1", 200, """{"id": "p-1"}""", api => api.GetParticipantAsync("p-1")),
        ["deleteParticipant"] = ("DELETE", $"{Base}/participants/p-1", 204, null, api => api.DeleteParticipantAsync("p-1")),
        ["createSession"] = ("POST", $"{Base}/sessions", 200, """{"id": "s-1"}""", api => api.CreateSessionAsync(new Session(Tag: "t"))),
        ["getSession"] = ("GET", $"{Base}/sessions/s-1", 200, """{"id": "s-1"}""", api => api.GetSessionAsync("s-1")),
        ["deleteSession"] = ("DELETE", $"{Base}/sessions/s-1", 204, null, api => api.DeleteSessionAsync("s-1")),
        ["listSessionParticipants"] = ("GET", $"{Base}/sessions/s-1/participants", 200, "[]", api => api.ListSessionParticipantsAsync("s-1")),
        ["addParticipantToSession"] = ("PUT", $"{Base}/sessions/s-1/participants/p-1", 204, null,
            api => api.AddParticipantToSessionAsync("s-1", "p-1", new Subscriptions("s-1"))),
        ["removeParticipantFromSession"] = ("DELETE", $"{Base}/sessions/s-1/participants/p-1", 204, null,
            api => api.RemoveParticipantFromSessionAsync("s-1", "p-1")),
        ["getParticipantSubscriptions"] = ("GET", $"{Base}/sessions/s-1/participants/p-1/subscriptions", 200, """{"sessionId": "s-1"}""",
            api => api.GetParticipantSubscriptionsAsync("s-1", "p-1")),
        ["updateParticipantSubscriptions"] = ("PUT", $"{Base}/sessions/s-1/participants/p-1/subscriptions", 204, null,
            api => api.UpdateParticipantSubscriptionsAsync("s-1", "p-1", new Subscriptions("s-1"))),
    };

    public static TheoryData<string> OperationNames => [.. Operations.Keys];

    [Theory]
    [MemberData(nameof(OperationNames))]
    public async Task EveryOperation_SendsTheAccountsBasicCredentials(string operation)
    {
        var (method, path, status, body, call) = Operations[operation];
        Respond(method, path, status, body);

        await call(Api);

        Assert.Equal(BandwidthApiTestHost.ExpectedAuthorization, SingleRequest(method, path).Headers!["Authorization"].Single());
    }

    [Theory]
    [MemberData(nameof(OperationNames))]
    public async Task EveryOperation_ReportsAnErrorAsBandwidthApiExceptionNamingIt(string operation)
    {
        var (method, path, _, _, call) = Operations[operation];
        Respond(method, path, 403, """{"message": "Forbidden"}""");

        var error = await Assert.ThrowsAsync<BandwidthApiException>(() => call(Api));

        Assert.Equal(operation, error.Operation);
        Assert.Equal(HttpStatusCode.Forbidden, error.StatusCode);
    }

    [Fact]
    public async Task GetParticipant_GetsItById()
    {
        Respond("GET", $"{Base}/participants/p-1", 200,
            """{"id": "p-1", "publishPermissions": ["AUDIO"], "sessions": ["s-1"], "subscriptions": {"sessionId": "s-1"}, "tag": "t"}""");

        var participant = await Api.GetParticipantAsync("p-1");

        Assert.Equal(["s-1"], participant.Sessions);
        Assert.Equal("s-1", participant.Subscriptions?.SessionId);
        Assert.Equal(BandwidthApiTestHost.ExpectedAuthorization, SingleRequest("GET", $"{Base}/participants/p-1").Headers!["Authorization"].Single());
    }

    [Fact]
    public async Task DeleteParticipant_SendsDelete()
    {
        Respond("DELETE", $"{Base}/participants/p-1", 204);

        await Api.DeleteParticipantAsync("p-1");

        Assert.Equal(1, _host.RequestCount("DELETE", $"{Base}/participants/p-1"));
    }

    [Fact]
    public async Task CreateSession_PostsTheTag_AndReturnsTheSession()
    {
        Respond("POST", $"{Base}/sessions", 200, """{"id": "s-1", "tag": "hello-world"}""");

        var session = await Api.CreateSessionAsync(new Session(Tag: "hello-world"));

        Assert.Equal(new Session("s-1", "hello-world"), session);
        JsonAssert.Equal("""{"tag": "hello-world"}""", SingleRequest("POST", $"{Base}/sessions").Body);
    }

    [Fact]
    public async Task GetSession_And_DeleteSession_UseTheSessionPath()
    {
        Respond("GET", $"{Base}/sessions/s-1", 200, """{"id": "s-1", "tag": "hello-world"}""");
        Respond("DELETE", $"{Base}/sessions/s-1", 204);

        Assert.Equal("hello-world", (await Api.GetSessionAsync("s-1")).Tag);
        await Api.DeleteSessionAsync("s-1");

        Assert.Equal(1, _host.RequestCount("DELETE", $"{Base}/sessions/s-1"));
    }

    [Fact]
    public async Task ListSessionParticipants_ReturnsThem()
    {
        Respond("GET", $"{Base}/sessions/s-1/participants", 200, """[{"id": "p-1"}, {"id": "p-2", "tag": "x"}]""");

        var participants = await Api.ListSessionParticipantsAsync("s-1");

        Assert.Equal(["p-1", "p-2"], participants.Select(p => p.Id));
    }

    [Fact]
    public async Task ListSessionParticipants_When204_ReturnsNone()
    {
        Respond("GET", $"{Base}/sessions/s-1/participants", 204);

        Assert.Empty(await Api.ListSessionParticipantsAsync("s-1"));
    }

    [Fact]
    public async Task AddParticipantToSession_PutsAWholeSessionSubscription()
    {
        Respond("PUT", $"{Base}/sessions/s-1/participants/p-1", 204);

        await Api.AddParticipantToSessionAsync("s-1", "p-1", new Subscriptions("s-1"));

        JsonAssert.Equal("""{"sessionId": "s-1"}""", SingleRequest("PUT", $"{Base}/sessions/s-1/participants/p-1").Body);
    }

    [Fact]
    public async Task AddParticipantToSession_WithoutSubscriptions_SendsNoBody()
    {
        Respond("PUT", $"{Base}/sessions/s-1/participants/p-1", 204);

        await Api.AddParticipantToSessionAsync("s-1", "p-1", null);

        Assert.True(string.IsNullOrEmpty(SingleRequest("PUT", $"{Base}/sessions/s-1/participants/p-1").Body));
    }

    [Fact]
    public async Task RemoveParticipantFromSession_SendsDelete()
    {
        Respond("DELETE", $"{Base}/sessions/s-1/participants/p-1", 204);

        await Api.RemoveParticipantFromSessionAsync("s-1", "p-1");

        Assert.Equal(1, _host.RequestCount("DELETE", $"{Base}/sessions/s-1/participants/p-1"));
    }

    [Fact]
    public async Task Subscriptions_AreReadAndReplaced()
    {
        Respond("GET", $"{Base}/sessions/s-1/participants/p-1/subscriptions", 200,
            """{"sessionId": "s-1", "participants": [{"participantId": "p-2", "streamAliases": ["a"]}]}""");
        Respond("PUT", $"{Base}/sessions/s-1/participants/p-1/subscriptions", 204);

        var current = await Api.GetParticipantSubscriptionsAsync("s-1", "p-1");
        await Api.UpdateParticipantSubscriptionsAsync("s-1", "p-1", new Subscriptions(Participants: [new ParticipantSubscription("p-3")]));

        Assert.Equal("p-2", current.Participants!.Single().ParticipantId);
        Assert.Equal(["a"], current.Participants!.Single().StreamAliases);
        JsonAssert.Equal("""{"participants": [{"participantId": "p-3"}]}""",
            SingleRequest("PUT", $"{Base}/sessions/s-1/participants/p-1/subscriptions").Body);
    }

    [Fact]
    public async Task GetSubscriptions_When204_ReturnsNoSubscriptions()
    {
        Respond("GET", $"{Base}/sessions/s-1/participants/p-1/subscriptions", 204);

        var subscriptions = await Api.GetParticipantSubscriptionsAsync("s-1", "p-1");

        Assert.Null(subscriptions.SessionId);
        Assert.Null(subscriptions.Participants);
    }

    [Theory]
    [InlineData(400, """{"error": "Invalid publishPermissions", "requestId": "r-400"}""", "Invalid publishPermissions", "r-400")]
    [InlineData(401, """{"message": "Unauthorized"}""", "Unauthorized", null)]
    [InlineData(403, """{"message": "Missing Authentication Token"}""", "Missing Authentication Token", null)]
    [InlineData(404, """{"error": "Session not found", "requestId": "r-404"}""", "Session not found", "r-404")]
    [InlineData(409, """{"error": "Participant is already in another session", "requestId": "r-409"}""", "Participant is already in another session", "r-409")]
    [InlineData(500, """{"error": "Internal error", "requestId": "r-500"}""", "Internal error", "r-500")]
    public async Task ErrorStatus_BecomesBandwidthApiException_KeepingStatusAndBody(int status, string body, string message, string? requestId)
    {
        Respond("PUT", $"{Base}/sessions/s-1/participants/p-1", status, body);

        var error = await Assert.ThrowsAsync<BandwidthApiException>(() => Api.AddParticipantToSessionAsync("s-1", "p-1", new Subscriptions("s-1")));

        Assert.Equal((HttpStatusCode)status, error.StatusCode);
        Assert.Equal("addParticipantToSession", error.Operation);
        Assert.Equal(message, error.ErrorMessage);
        Assert.Equal(requestId, error.RequestId);
        Assert.Equal(status == 404, error.IsNotFound);
    }

    [Fact]
    public async Task ErrorBodyThatIsNotJson_IsKeptAsText()
    {
        Respond("GET", $"{Base}/sessions/s-1", 502, "<html>Bad gateway</html>");

        var error = await Assert.ThrowsAsync<BandwidthApiException>(() => Api.GetSessionAsync("s-1"));

        Assert.Equal(HttpStatusCode.BadGateway, error.StatusCode);
        Assert.Equal("<html>Bad gateway</html>", error.ErrorMessage);
    }

    [Theory]
    [InlineData("not json at all", "createParticipant")]
    [InlineData("""{"participant": {"id": "p-1"}}""", "createParticipant")]
    [InlineData("""{"participant": {"id": null}, "token": "t"}""", "createParticipant")]
    [InlineData("""{"participant": {"id": ""}, "token": "t"}""", "createParticipant")]
    [InlineData("""{"token": "t"}""", "createParticipant")]
    [InlineData("""{"tag": "hello-world"}""", "createSession")]
    [InlineData("""[1, 2]""", "createSession")]
    public async Task SuccessWithAnAnswerTheAppCannotRead_BecomesBandwidthApiException_KeepingTheStatus(string body, string operation)
    {
        Respond("POST", $"{Base}/participants", 200, body);
        Respond("POST", $"{Base}/sessions", 200, body);

        var error = await Assert.ThrowsAsync<BandwidthApiException>(() => operation == "createParticipant"
            ? Api.CreateParticipantAsync(new CreateParticipantRequest([PublishPermission.AUDIO]))
            : Api.CreateSessionAsync(new Session(Tag: "hello-world")));

        Assert.Equal(HttpStatusCode.OK, error.StatusCode);
        Assert.Equal(operation, error.Operation);
        Assert.StartsWith("Bandwidth's answer could not be read", error.ErrorMessage);
    }

    [Fact]
    public async Task Participant_WithEnumValuesTheAppDoesNotKnow_IsRead_KeepingThemAsTheyCame()
    {
        Respond("GET", $"{Base}/participants/p-1", 200, """{"id": "p-1", "deviceApiVersion": "V4", "publishPermissions": ["AUDIO", "SCREEN"]}""");

        var participant = await Api.GetParticipantAsync("p-1");

        Assert.Equal("V4", participant.DeviceApiVersion?.Value);
        Assert.Equal([PublishPermission.AUDIO, PublishPermission.Create("SCREEN")], participant.PublishPermissions);
    }

    [Fact]
    public async Task CreateParticipant_AnsweredWithADeviceApiVersionTheAppDoesNotKnow_IsAParticipantTheAppUses()
    {
        Respond("POST", $"{Base}/participants", 200, """{"participant": {"id": "p-1", "deviceApiVersion": "V4"}, "token": "eyJ.token"}""");

        var created = await Api.CreateParticipantAsync(new CreateParticipantRequest([PublishPermission.AUDIO]));

        Assert.Equal(("p-1", "eyJ.token"), (created.Participant.Id, created.Token));
        Assert.Equal(0, _host.RequestCount("DELETE", $"{Base}/participants/p-1"));
    }

    [Theory]
    [InlineData("""{"participant": {"id": "p-9"}}""")]
    [InlineData("""{"participant": {"id": "p-9"}, "token": ""}""")]
    [InlineData("""{"participant": {"id": "p-9"}, "token": 42}""")]
    [InlineData("""{"participant": {"id": "p-9", "sessions": "none"}, "token": "t"}""")]
    [InlineData("""{"participant": {"id": "p-9"}, "token": "t", "broken""")]
    public async Task CreateParticipant_AnswerTheAppRefuses_ThatNamesTheParticipant_DeletesIt_ThenFails(string body)
    {
        Respond("POST", $"{Base}/participants", 201, body);
        Respond("DELETE", $"{Base}/participants/p-9", 204);

        var error = await Assert.ThrowsAsync<BandwidthApiException>(() => Api.CreateParticipantAsync(new CreateParticipantRequest([PublishPermission.AUDIO])));

        Assert.Equal("createParticipant", error.Operation);
        Assert.Equal(1, _host.RequestCount("DELETE", $"{Base}/participants/p-9"));
        Assert.Contains(_host.Logs.GetSnapshot(), log => log.Message.Contains("participant p-9", StringComparison.Ordinal) && log.Message.Contains("deleted"));
    }

    [Theory]
    [InlineData("""{"token": "t"}""")]
    [InlineData("""{"participant": {"id": 9}, "token": "t"}""")]
    [InlineData("""{"participants": [{"id": "p-9"}], "token": "t"}""")]
    public async Task CreateParticipant_AnswerTheAppRefuses_WithoutAParticipantId_DeletesNothing(string body)
    {
        Respond("POST", $"{Base}/participants", 201, body);

        await Assert.ThrowsAsync<BandwidthApiException>(() => Api.CreateParticipantAsync(new CreateParticipantRequest([PublishPermission.AUDIO])));

        Assert.DoesNotContain(_host.Server.LogEntries, e => e.RequestMessage.Method == "DELETE");
    }

    [Fact]
    public async Task CreateParticipant_AnsweredWith50Megabytes_ReadsAtMostOneMegabyte_ReportsBandwidthsError_AndDeletesTheParticipant()
    {
        await using var bandwidth = await HugeAnswerServer.StartAsync("{\"participant\": {\"id\": \"p-huge\"}, \"token\": \"t\", \"padding\": \"");
        await using var host = new BandwidthApiTestHost(new Dictionary<string, string?> { ["Bandwidth:WebRtcApiBaseUrl"] = bandwidth.BaseUrl + "/v1" });

        var error = await Assert.ThrowsAsync<BandwidthApiException>(
            () => host.Get<IWebRtcApi>().CreateParticipantAsync(new CreateParticipantRequest([PublishPermission.AUDIO])));

        Assert.Equal(HttpStatusCode.Created, error.StatusCode);
        Assert.Contains("larger than 1 MB", error.Message);
        // What the client never read it cannot hold: the server got no further than the socket buffers allow.
        Assert.True(bandwidth.BytesSent < HugeAnswerServer.BodyBytes / 2, $"the client read {bandwidth.BytesSent} bytes of the 50 MB answer");
        Assert.Equal(["DELETE /v1/accounts/9900000/participants/p-huge"], bandwidth.OtherRequests);
    }

    [Theory]
    [MemberData(nameof(OperationNames))]
    public async Task EveryOperation_On403_SaysTheAccountHasNoWebRtcAccess_AndLogsIt(string operation)
    {
        var (method, path, _, _, call) = Operations[operation];
        Respond(method, path, 403, """{"message": "Forbidden"}""");

        var error = await Assert.ThrowsAsync<BandwidthApiException>(() => call(Api));

        Assert.Equal(
            "This Bandwidth account has no access to the WebRTC API (Bandwidth no longer sells it to new accounts); ask Bandwidth support.",
            error.Message);
        Assert.Equal("Forbidden", error.ErrorMessage);
        Assert.Contains(_host.Logs.GetSnapshot(), log => log.Message.Contains("no access to the WebRTC API", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ListSessionParticipants_WithAMalformedList_BecomesBandwidthApiException()
    {
        Respond("GET", $"{Base}/sessions/s-1/participants", 200, """{"participants": "none"}""");

        var error = await Assert.ThrowsAsync<BandwidthApiException>(() => Api.ListSessionParticipantsAsync("s-1"));

        Assert.Equal("listSessionParticipants", error.Operation);
    }

    private void Respond(string method, string path, int status, string? body = null)
    {
        var response = Response.Create().WithStatusCode(status);
        if (body is not null)
        {
            response = response.WithHeader("Content-Type", "application/json").WithBody(body);
        }
        _host.Server.Given(Request.Create().WithPath(path).UsingMethod(method)).RespondWith(response);
    }

    private IRequestMessage SingleRequest(string method, string path) =>
        Assert.Single(_host.Server.LogEntries, e => e.RequestMessage.Method == method && e.RequestMessage.Path == path).RequestMessage;
}

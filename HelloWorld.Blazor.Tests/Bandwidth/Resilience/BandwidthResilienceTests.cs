using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Bandwidth.Resilience;
using HelloWorld.Blazor.Bandwidth.WebRtc;
using Polly;
using Polly.Timeout;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace HelloWorld.Blazor.Tests.Bandwidth.Resilience;

public sealed class BandwidthResilienceTests : IAsyncLifetime
{
    private const string Participants = "/v1/accounts/9900000/participants";
    private const string Session = "/v1/accounts/9900000/sessions/s-1";
    private BandwidthApiTestHost _host = null!;

    private IWebRtcApi Api => _host.Get<IWebRtcApi>();

    public Task InitializeAsync()
    {
        _host = new BandwidthApiTestHost(new Dictionary<string, string?>
        {
            ["Bandwidth:Resilience:AttemptTimeout"] = "00:00:01",
            ["Bandwidth:Resilience:TotalTimeout"] = "00:00:05",
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task Post_On503_IsRetried()
    {
        FailThenSucceed("POST", Participants, failures: 2, Response.Create().WithStatusCode(503), ParticipantCreated());

        var created = await Api.CreateParticipantAsync(new CreateParticipantRequest([PublishPermission.AUDIO]));

        Assert.Equal("p-1", created.Participant.Id);
        Assert.Equal(3, _host.RequestCount("POST", Participants));
    }

    [Fact]
    public async Task Post_On429_WaitsForRetryAfter_ThenRetries()
    {
        FailThenSucceed("POST", Participants, failures: 1,
            Response.Create().WithStatusCode(429).WithHeader("Retry-After", "1"), ParticipantCreated());
        var clock = Stopwatch.StartNew();

        await Api.CreateParticipantAsync(new CreateParticipantRequest([PublishPermission.AUDIO]));

        Assert.Equal(2, _host.RequestCount("POST", Participants));
        Assert.True(clock.Elapsed >= TimeSpan.FromSeconds(0.9), $"retried after {clock.Elapsed}, before Retry-After said");
    }

    [Fact]
    public async Task RetryAfter_LongerThanTheBudget_IsNotWaitedFor()
    {
        _host.Server.Given(Request.Create().WithPath(Participants).UsingPost())
            .RespondWith(Response.Create().WithStatusCode(429).WithHeader("Retry-After", "60"));

        var error = await Assert.ThrowsAsync<BandwidthApiException>(() => Api.CreateParticipantAsync(new CreateParticipantRequest([PublishPermission.AUDIO])));

        Assert.Equal(HttpStatusCode.TooManyRequests, error.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(60), error.RetryAfter);
        Assert.Equal(1, _host.RequestCount("POST", Participants));
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(504)]
    public async Task Post_OnAFailureThatMayHaveTakenEffect_IsNotRetried(int status)
    {
        _host.Server.Given(Request.Create().WithPath(Participants).UsingPost()).RespondWith(Response.Create().WithStatusCode(status));

        await Assert.ThrowsAsync<BandwidthApiException>(() => Api.CreateParticipantAsync(new CreateParticipantRequest([PublishPermission.AUDIO])));

        Assert.Equal(1, _host.RequestCount("POST", Participants));
    }

    [Fact]
    public async Task Post_ThatTimesOut_IsNotRetried()
    {
        // Slower than the 1 s attempt timeout; a retry would arrive 1 s after the first request.
        _host.Server.Given(Request.Create().WithPath(Participants).UsingPost())
            .RespondWith(ParticipantCreated().WithDelay(TimeSpan.FromSeconds(1.5)));

        var error = await Assert.ThrowsAsync<BandwidthUnavailableException>(() => Api.CreateParticipantAsync(new CreateParticipantRequest([PublishPermission.AUDIO])));

        Assert.Equal("createParticipant", error.Operation);
        // WireMock logs a request once its delayed answer is sent: wait until every answer a retry could cause is out.
        await Task.Delay(TimeSpan.FromSeconds(3));
        Assert.Equal(1, _host.RequestCount("POST", Participants));
    }

    [Fact]
    public async Task Get_ThatTimesOut_IsRetried()
    {
        // The first answer comes after the 1 s attempt timeout, so only a retry can succeed.
        FailThenSucceed("GET", Session, failures: 1,
            Response.Create().WithStatusCode(200).WithDelay(TimeSpan.FromSeconds(1.5)),
            Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"id": "s-1"}"""));

        Assert.Equal("s-1", (await Api.GetSessionAsync("s-1")).Id);
    }

    [Theory]
    [InlineData(502)]
    [InlineData(503)]
    [InlineData(504)]
    public async Task Get_OnATransientStatus_IsRetried(int status)
    {
        FailThenSucceed("GET", Session, failures: 1, Response.Create().WithStatusCode(status),
            Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody("""{"id": "s-1"}"""));

        await Api.GetSessionAsync("s-1");

        Assert.Equal(2, _host.RequestCount("GET", Session));
    }

    [Theory]
    [InlineData(400)]
    [InlineData(401)]
    [InlineData(403)]
    [InlineData(404)]
    [InlineData(409)]
    public async Task ClientErrors_AreNeverRetried(int status)
    {
        _host.Server.Given(Request.Create().WithPath(Session).UsingGet()).RespondWith(Response.Create().WithStatusCode(status));

        await Assert.ThrowsAsync<BandwidthApiException>(() => Api.GetSessionAsync("s-1"));

        Assert.Equal(1, _host.RequestCount("GET", Session));
    }

    [Fact]
    public async Task ConnectionRefused_BecomesBandwidthUnavailable()
    {
        using var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var port = ((IPEndPoint)closed.LocalEndpoint).Port;
        closed.Stop();
        await using var host = new BandwidthApiTestHost(new Dictionary<string, string?>
        {
            ["Bandwidth:WebRtcApiBaseUrl"] = $"http://127.0.0.1:{port}/v1",
        });

        var error = await Assert.ThrowsAsync<BandwidthUnavailableException>(
            () => host.Get<IWebRtcApi>().CreateParticipantAsync(new CreateParticipantRequest([PublishPermission.AUDIO])));

        Assert.Contains("connection failed", error.Message);
    }

    [Fact]
    public void ShouldRetry_PostAfterConnectionError_BecauseTheRequestNeverLeft()
    {
        var context = ContextFor(HttpMethod.Post);
        var refused = new HttpRequestException(HttpRequestError.ConnectionError, "refused", new SocketException((int)SocketError.ConnectionRefused));

        Assert.True(BandwidthResilience.ShouldRetry(Outcome.FromException<HttpResponseMessage>(refused), context, TimeSpan.FromSeconds(3)));
        Assert.False(BandwidthResilience.ShouldRetry(
            Outcome.FromException<HttpResponseMessage>(new HttpRequestException(HttpRequestError.ResponseEnded, "cut")), context, TimeSpan.FromSeconds(3)));
        Assert.False(BandwidthResilience.ShouldRetry(Outcome.FromException<HttpResponseMessage>(new TimeoutRejectedException()), context, TimeSpan.FromSeconds(3)));
        Assert.True(BandwidthResilience.ShouldRetry(Outcome.FromException<HttpResponseMessage>(new TimeoutRejectedException()), ContextFor(HttpMethod.Delete), TimeSpan.FromSeconds(3)));
    }

    [Fact]
    public async Task CircuitBreaker_OpensAfterRepeatedFailures_AndThenFailsFastWithoutCallingBandwidth()
    {
        await using var host = new BandwidthApiTestHost(new Dictionary<string, string?>
        {
            ["Bandwidth:Resilience:CircuitMinimumThroughput"] = "4",
            ["Bandwidth:Resilience:CircuitBreakDuration"] = "00:00:30",
            ["Bandwidth:Resilience:MaxRetryAttempts"] = "1",
        });
        host.Server.Given(Request.Create().WithPath(Session).UsingGet()).RespondWith(Response.Create().WithStatusCode(500));
        var api = host.Get<IWebRtcApi>();

        for (var i = 0; i < 4; i++)
        {
            await Assert.ThrowsAsync<BandwidthApiException>(() => api.GetSessionAsync("s-1"));
        }
        var reached = host.RequestCount("GET", Session);
        var error = await Assert.ThrowsAsync<BandwidthUnavailableException>(() => api.GetSessionAsync("s-1"));

        Assert.Contains("circuit open", error.Message);
        Assert.Equal(reached, host.RequestCount("GET", Session));
    }

    private void FailThenSucceed(string method, string path, int failures, IResponseBuilder failure, IResponseBuilder success)
    {
        var scenario = Guid.NewGuid().ToString();
        _host.Server.Given(Request.Create().WithPath(path).UsingMethod(method)).InScenario(scenario)
            .WillSetStateTo("recovered", failures).RespondWith(failure);
        _host.Server.Given(Request.Create().WithPath(path).UsingMethod(method)).InScenario(scenario)
            .WhenStateIs("recovered").RespondWith(success);
    }

    private static IResponseBuilder ParticipantCreated() =>
        Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json")
            .WithBody("""{"participant": {"id": "p-1"}, "token": "t"}""");

    private static ResilienceContext ContextFor(HttpMethod method)
    {
        var context = ResilienceContextPool.Shared.Get();
        context.SetRequestMessage(new HttpRequestMessage(method, "http://bandwidth.invalid/"));
        return context;
    }
}

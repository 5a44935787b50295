using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Bandwidth.Resilience;
using HelloWorld.Blazor.Bandwidth.WebRtc;
using Polly;
using Polly.Timeout;
using WireMock;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;
using WireMock.Types;
using WireMock.Util;

namespace HelloWorld.Blazor.Tests.Bandwidth.Resilience;

public sealed class BandwidthResilienceTests : IAsyncLifetime
{
    private const string Participants = "/v1/accounts/9900000/participants";
    private const string Session = "/v1/accounts/9900000/sessions/s-1";
    private BandwidthApiTestHost _host = null!;

    // Requests held by HoldFirstRequest never get an answer until the test ends: a timeout without a race against a delay.
    private readonly TaskCompletionSource _releaseHeld = new(TaskCreationOptions.RunContinuationsAsynchronously);

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

    public async Task DisposeAsync()
    {
        _releaseHeld.TrySetResult();
        await _host.DisposeAsync();
    }

    [Fact]
    public async Task Post_On503_IsRetried()
    {
        FailThenSucceed("POST", Participants, failures: 2, Response.Create().WithStatusCode(503), ParticipantCreated());

        var created = await Api.CreateParticipantAsync(new CreateParticipantRequest([PublishPermission.AUDIO]));

        Assert.Equal("p-1", created.Participant.Id);
        Assert.Equal(3, _host.RequestCount("POST", Participants));
    }

    [Fact]
    public async Task Post_RefusedEveryTime_GivesUpAfterTheDefaultFourRetries_WithBandwidthsError()
    {
        await using var host = new BandwidthApiTestHost(new Dictionary<string, string?>
        {
            ["Bandwidth:Resilience:RetryBaseDelay"] = "00:00:00.010",
        });
        host.Server.Given(Request.Create().WithPath(Participants).UsingPost()).RespondWith(Response.Create().WithStatusCode(503));

        var error = await Assert.ThrowsAsync<BandwidthApiException>(
            () => host.Get<IWebRtcApi>().CreateParticipantAsync(new CreateParticipantRequest([PublishPermission.AUDIO])));

        Assert.Equal(HttpStatusCode.ServiceUnavailable, error.StatusCode);
        Assert.Equal(5, host.RequestCount("POST", Participants));
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
        var arrived = HoldFirstRequest("POST", Participants, """{"participant": {"id": "p-1"}, "token": "t"}""");

        var error = await Assert.ThrowsAsync<BandwidthUnavailableException>(() => Api.CreateParticipantAsync(new CreateParticipantRequest([PublishPermission.AUDIO])));

        Assert.Equal("createParticipant", error.Operation);
        Assert.Contains("timed out", error.Message);
        // A retry would have been sent before the pipeline gave up, and counted on arrival.
        Assert.Equal(1, arrived());
    }

    [Fact]
    public async Task Get_ThatTimesOut_IsRetried()
    {
        // The first request gets no answer, so only a retry can succeed.
        var arrived = HoldFirstRequest("GET", Session, """{"id": "s-1"}""");

        Assert.Equal("s-1", (await Api.GetSessionAsync("s-1")).Id);
        Assert.Equal(2, arrived());
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
    [InlineData("GET", 400)]
    [InlineData("GET", 401)]
    [InlineData("GET", 403)]
    [InlineData("GET", 404)]
    [InlineData("GET", 409)]
    [InlineData("POST", 400)]
    [InlineData("POST", 401)]
    [InlineData("POST", 404)]
    [InlineData("PUT", 400)]
    [InlineData("PUT", 401)]
    [InlineData("PUT", 404)]
    [InlineData("DELETE", 400)]
    [InlineData("DELETE", 401)]
    [InlineData("DELETE", 404)]
    public async Task ClientErrors_AreNeverRetried_WhateverTheMethod(string method, int status)
    {
        var (path, call) = method switch
        {
            "GET" => (Session, (Func<Task>)(() => Api.GetSessionAsync("s-1"))),
            "POST" => (Participants, () => Api.CreateParticipantAsync(new CreateParticipantRequest([PublishPermission.AUDIO]))),
            "PUT" => ($"{Session}/participants/p-1", () => Api.AddParticipantToSessionAsync("s-1", "p-1", new Subscriptions("s-1"))),
            _ => (Session, () => Api.DeleteSessionAsync("s-1")),
        };
        _host.Server.Given(Request.Create().WithPath(path).UsingMethod(method)).RespondWith(Response.Create().WithStatusCode(status));

        var error = await Assert.ThrowsAsync<BandwidthApiException>(call);

        Assert.Equal((HttpStatusCode)status, error.StatusCode);
        Assert.Equal(1, _host.RequestCount(method, path));
    }

    [Fact]
    public async Task ConnectionRefused_BecomesBandwidthUnavailable()
    {
        // Bound but not listening: connections are refused, and no other server can take the port while the test runs
        // (a port merely found free and released could be handed to a parallel test's server).
        using var refusing = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        refusing.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        var port = ((IPEndPoint)refusing.LocalEndPoint!).Port;
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

    /// <summary>
    /// The first request to <paramref name="path"/> is held without an answer until the test ends; every later one is
    /// answered at once with <paramref name="json"/>. Returns how many requests have arrived so far.
    /// </summary>
    private Func<int> HoldFirstRequest(string method, string path, string json)
    {
        var arrived = 0;
        _host.Server.Given(Request.Create().WithPath(path).UsingMethod(method)).RespondWith(Response.Create().WithCallback(async _ =>
        {
            if (Interlocked.Increment(ref arrived) == 1)
            {
                await _releaseHeld.Task;
            }
            var answer = new ResponseMessage
            {
                StatusCode = 200,
                BodyData = new BodyData { BodyAsString = json, DetectedBodyType = BodyType.String },
            };
            answer.AddHeader("Content-Type", "application/json");
            return answer;
        }));
        return () => Volatile.Read(ref arrived);
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

using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Bandwidth.WebRtc;
using HelloWorld.Blazor.Conference;
using Microsoft.Extensions.Logging.Abstractions;
using WireMock.RequestBuilders;
using WireMock.ResponseBuilders;

namespace HelloWorld.Blazor.Tests.Bandwidth.Resilience;

/// <summary>
/// The session is created once and shared, so its creation waits longer than any other attempt: a late answer given up
/// on would leave that session at Bandwidth, and the next caller would create a second one (a timed-out POST is never
/// retried, since it may have taken effect).
/// </summary>
public sealed class SessionCreationTimeoutTests : IAsyncLifetime
{
    private const string Sessions = "/v1/accounts/9900000/sessions";
    private const string Participants = "/v1/accounts/9900000/participants";
    private static readonly TimeSpan Late = TimeSpan.FromMilliseconds(1500);

    private BandwidthApiTestHost _host = null!;

    private IWebRtcApi Api => _host.Get<IWebRtcApi>();

    public Task InitializeAsync()
    {
        _host = new BandwidthApiTestHost(new Dictionary<string, string?>
        {
            ["Bandwidth:Resilience:AttemptTimeout"] = "00:00:00.300",
            ["Bandwidth:Resilience:TotalTimeout"] = "00:00:01",
            ["Bandwidth:Resilience:SessionCreationTimeout"] = "00:00:20",
        });
        return Task.CompletedTask;
    }

    public async Task DisposeAsync() => await _host.DisposeAsync();

    [Fact]
    public async Task CreateSession_AnsweredAfterTheAttemptAndTotalTimeouts_IsStillHeard_AndSentOnce()
    {
        AnswerLate(Sessions, """{"id": "s-late", "tag": "hello-world"}""");

        var session = await Api.CreateSessionAsync(new Session(Tag: "hello-world"));

        Assert.Equal("s-late", session.Id);
        Assert.Equal(1, _host.RequestCount("POST", Sessions));
    }

    [Fact]
    public async Task OtherOperations_KeepTheAttemptTimeout()
    {
        AnswerLate(Participants, """{"participant": {"id": "p-1"}, "token": "t"}""");

        var error = await Assert.ThrowsAsync<BandwidthUnavailableException>(
            () => Api.CreateParticipantAsync(new CreateParticipantRequest([PublishPermission.AUDIO])));

        Assert.Contains("timed out", error.Message);
    }

    [Fact]
    public async Task CreateSession_NeverAnswered_GivesUpAtTheSessionCreationTimeout()
    {
        await using var host = new BandwidthApiTestHost(new Dictionary<string, string?>
        {
            ["Bandwidth:Resilience:AttemptTimeout"] = "00:00:00.100",
            ["Bandwidth:Resilience:TotalTimeout"] = "00:00:00.300",
            ["Bandwidth:Resilience:SessionCreationTimeout"] = "00:00:00.500",
        });
        host.Server.Given(Request.Create().WithPath(Sessions).UsingPost())
            .RespondWith(Response.Create().WithDelay(TimeSpan.FromSeconds(30)).WithBody("""{"id": "s-never"}"""));

        var error = await Assert.ThrowsAsync<BandwidthUnavailableException>(
            () => host.Get<IWebRtcApi>().CreateSessionAsync(new Session(Tag: "hello-world")).WaitAsync(TimeSpan.FromSeconds(10)));

        Assert.Contains("timed out", error.Message);
    }

    [Fact]
    public async Task SessionTracker_WhenBandwidthAnswersAfterTheFirstCallerGaveUp_GivesTheNextCallerTheSameSession_WithoutASecond()
    {
        AnswerLate(Sessions, """{"id": "s-late", "tag": "hello-world"}""");
        var tracker = new SessionTracker(Api, NullLogger<SessionTracker>.Instance);

        // The warm start, or a first caller with a short deadline: it stops waiting, the creation goes on.
        using var shortDeadline = new CancellationTokenSource(TimeSpan.FromMilliseconds(200));
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => tracker.GetSessionIdAsync(shortDeadline.Token).AsTask());
        await Task.Delay(TimeSpan.FromMilliseconds(900)); // past the attempt (300 ms) and total (1 s) timeouts
        var id = await tracker.GetSessionIdAsync();

        Assert.Equal("s-late", id);
        Assert.Equal(1, _host.RequestCount("POST", Sessions));
    }

    private void AnswerLate(string path, string json) =>
        _host.Server.Given(Request.Create().WithPath(path).UsingPost()).RespondWith(
            Response.Create().WithStatusCode(200).WithHeader("Content-Type", "application/json").WithBody(json).WithDelay(Late));
}

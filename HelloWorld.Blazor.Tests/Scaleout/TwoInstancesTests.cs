using System.Net;
using HelloWorld.Blazor.Bandwidth.WebRtc;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Security;
using HelloWorld.Testing;
using Moq;

namespace HelloWorld.Blazor.Tests.Scaleout;

/// <summary>Two real instances of the app on one real Redis, in account mode against the emulator: one conference.</summary>
public sealed class TwoInstancesTests(RedisServer redis) : IClassFixture<RedisServer>, IAsyncLifetime
{
    private const int MaxPerSession = 4;
    private static readonly ClientAddress Visitor = ClientAddress.From(IPAddress.Loopback);
    private ScaledOutConference _conference = null!;

    private AppInstance A => _conference.A;

    private AppInstance B => _conference.B;

    public async Task InitializeAsync()
    {
        await redis.FlushAsync();
        _conference = await ScaledOutConference.StartAsync(redis, new Dictionary<string, string?>
        {
            ["Participants:MaxPerSession"] = $"{MaxPerSession}",
        });
    }

    public async Task DisposeAsync() => await _conference.DisposeAsync();

    [Fact]
    public async Task TwentyFiveFirstCallersOnEachInstance_MakeOneSession()
    {
        var a = A.Get<ISessionTracker>();
        var b = B.Get<ISessionTracker>();

        var ids = await Task.WhenAll(Enumerable.Range(0, 50).Select(i => (i % 2 == 0 ? a : b).GetSessionIdAsync().AsTask()));

        Assert.Single(ids.Distinct());
        Assert.Single((await _conference.Control.SessionsAsync())["sessions"]!.AsArray());
    }

    [Fact]
    public async Task SessionCeiling_HoldsAcrossInstances()
    {
        var joins = Enumerable.Range(0, 10).Select(async i =>
        {
            try
            {
                await (i % 2 == 0 ? A : B).Get<IParticipantService>().JoinAsync(ParticipantKind.Phone);
                return true;
            }
            catch (ParticipantRefusedException)
            {
                return false;
            }
        });

        var joined = (await Task.WhenAll(joins)).Count(ok => ok);

        Assert.Equal(MaxPerSession, joined);
        Assert.Equal(MaxPerSession, (await _conference.Control.ParticipantsAsync()).Count);
        await Eventually.HoldsAsync(() => A.Get<ISessionCapacity>().Current.InUse, inUse => inUse == MaxPerSession, "A to count B's places");
    }

    [Fact]
    public async Task CallPlacedOnA_AnsweredThroughB_JoinsAndShowsOnA_AndItsHangUpOnB_EndsItOnA()
    {
        var registryA = A.Get<ICallRegistry>();
        var call = await A.Get<IPhoneCallService>().CallAsync(null, Visitor);

        await _conference.Control.AnswerAsync(call.CallId);

        await Eventually.HoldsAsync(() => registryA.Find(call.CallId)?.State, state => state == CallState.Transferred, "A to show the call joined");
        Assert.Equal(CallState.Transferred, B.Get<ICallRegistry>().Find(call.CallId)?.State);
        Assert.Contains(await _conference.Control.ParticipantsAsync(), participant => (string?)participant["id"] == call.ParticipantId);

        await _conference.Control.HangUpAsync(call.CallId);

        await Eventually.HoldsAsync(() => registryA.Find(call.CallId)?.State, state => state == CallState.Ended, "A to show the call ended");
        await Browser.EmulatorControl.EventuallyAsync(_conference.Control.ParticipantsAsync, participants => participants.Count == 0,
            "the call's participant to be deleted");
    }

    [Fact]
    public async Task OneInstanceStopped_TheSessionAndTheCallsSurvive_TheLastOneOutDeletesTheSession()
    {
        var tab = await A.Get<IParticipantService>().JoinAsync(ParticipantKind.Browser, Visitor);
        var placed = await A.Get<IPhoneCallService>().CallAsync(null, Visitor);
        await _conference.Control.AnswerAsync(placed.CallId);
        var dialIn = (string)(await _conference.Control.DialInAsync("+19195550124"))["callId"]!;
        var registryB = B.Get<ICallRegistry>();
        await Eventually.HoldsAsync(() => registryB.Calls.Count(call => call.State == CallState.Transferred), joined => joined == 2, "both calls to join");
        var dialInParticipant = registryB.Find(dialIn)!.ParticipantId;

        await A.StopAsync();

        var left = (await _conference.Control.ParticipantsAsync()).Select(participant => (string?)participant["id"]).ToList();
        Assert.DoesNotContain(tab.Id, left);
        Assert.Contains(placed.ParticipantId, left);
        Assert.Contains(dialInParticipant, left);
        Assert.Single((await _conference.Control.SessionsAsync())["sessions"]!.AsArray());
        Assert.All(registryB.Calls, call => Assert.Equal(CallState.Transferred, call.State));

        await B.StopAsync();

        var sessions = await _conference.Control.SessionsAsync();
        Assert.Empty(sessions["sessions"]!.AsArray());
        Assert.Empty(sessions["participantsWithoutSession"]!.AsArray());
    }

    [Fact]
    public async Task PlaceOfAnInstanceThatDiedMidJoin_IsFreedByTheNextSweepOfASurvivor()
    {
        // Stores that take a place as an instance would, but never beat: an instance that died before its participant existed.
        await using var dead = new StoreInstance(redis, Mock.Of<IWebRtcApi>());
        await dead.Ledger.ReserveAsync(client: null);
        var capacity = B.Get<ISessionCapacity>();
        await Eventually.HoldsAsync(() => capacity.Current.InUse, inUse => inUse == 1, "B to count the dead instance's place");

        var swept = await B.Get<ConferenceSweep>().SweepAsync();

        Assert.Equal(1, swept.PlacesReclaimed);
        await Eventually.HoldsAsync(() => A.Get<ISessionCapacity>().Current.InUse, inUse => inUse == 0, "A to count the place freed");
    }

    [Fact]
    public void UnreachableRedis_FailsTheStart_NamingTheSetting()
    {
        var closedPort = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        closedPort.Start();
        var port = ((IPEndPoint)closedPort.LocalEndpoint).Port;
        closedPort.Stop();

        var failure = Assert.ThrowsAny<Exception>(() => AppInstance.Start(port, new Dictionary<string, string?>
        {
            ["ConnectionStrings:redis"] = $"127.0.0.1:{port},connectTimeout=500",
        }).Dispose());

        var messages = string.Join(" | ", Chain(failure).Select(exception => exception.Message));
        Assert.Contains("ConnectionStrings:redis", messages, StringComparison.Ordinal);
    }

    private static IEnumerable<Exception> Chain(Exception exception)
    {
        for (Exception? current = exception; current is not null; current = current.InnerException)
        {
            yield return current;
            if (current is AggregateException aggregate)
            {
                foreach (var inner in aggregate.InnerExceptions.SelectMany(Chain))
                {
                    yield return inner;
                }
            }
        }
    }
}

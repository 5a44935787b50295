using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Tests.TestDoubles;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Testing;

namespace HelloWorld.Blazor.Tests.Conference;

public sealed class SessionTrackerTests
{
    private readonly FakeWebRtcApi _api = new() { Latency = TimeSpan.FromMilliseconds(50) };

    private SessionTracker Tracker() => new(_api, NullLogger<SessionTracker>.Instance);

    [Fact]
    public async Task GetSessionId_With50ConcurrentFirstCallers_CreatesOneSession()
    {
        var tracker = Tracker();

        var ids = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ => Task.Run(() => tracker.GetSessionIdAsync().AsTask())));

        Assert.Equal(1, _api.Calls("createSession"));
        Assert.Single(ids.Distinct());
        Assert.Equal(SessionTracker.SessionTag, Assert.Single(_api.Sessions).Tag);
    }

    [Fact]
    public async Task GetSessionId_AfterTheFirst_MakesNoBandwidthCall()
    {
        var tracker = Tracker();
        await tracker.GetSessionIdAsync();

        await tracker.GetSessionIdAsync();

        Assert.Equal(1, _api.TotalCalls);
    }

    [Fact]
    public async Task GetSessionId_WhenCreationFailed_TriesAgainOnTheNextCall()
    {
        var tracker = Tracker();
        _api.FailNext("createSession", new BandwidthUnavailableException("createSession", "timed out"));

        await Assert.ThrowsAsync<BandwidthUnavailableException>(() => tracker.GetSessionIdAsync().AsTask());
        var id = await tracker.GetSessionIdAsync();

        Assert.Equal(2, _api.Calls("createSession"));
        Assert.Equal(id, Assert.Single(_api.Sessions).Id);
    }

    [Fact]
    public async Task ReplaceSession_ReportedByManyCallersAtOnce_CreatesOneNewSession()
    {
        var tracker = Tracker();
        var stale = await tracker.GetSessionIdAsync();

        var replacements = await Task.WhenAll(Enumerable.Range(0, 20).Select(_ => Task.Run(() => tracker.ReplaceSessionAsync(stale).AsTask())));

        Assert.Equal(2, _api.Calls("createSession"));
        var replacement = Assert.Single(replacements.Distinct());
        Assert.NotEqual(stale, replacement);
        Assert.Equal(replacement, await tracker.GetSessionIdAsync());
    }

    [Fact]
    public async Task ReplaceSession_WithAnIdAlreadyReplaced_ReturnsTheCurrentOne()
    {
        var tracker = Tracker();
        var first = await tracker.GetSessionIdAsync();
        var second = await tracker.ReplaceSessionAsync(first);

        var again = await tracker.ReplaceSessionAsync(first);

        Assert.Equal(second, again);
        Assert.Equal(2, _api.Calls("createSession"));
    }

    [Fact]
    public async Task GetSessionId_AfterACreationFailedThatNobodyWaitedFor_TriesAgain()
    {
        var failed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var logs = FakeLogCollector.Create(new FakeLogCollectorOptions
        {
            OutputSink = line => { if (line.Contains("Could not create")) failed.TrySetResult(); },
        });
        var tracker = new SessionTracker(_api, new FakeLogger<SessionTracker>(logs));
        _api.Latency = TimeSpan.Zero;
        var creating = _api.HoldNext("createSession");
        _api.FailNext("createSession", new BandwidthUnavailableException("createSession", "timed out"));
        using var impatient = new CancellationTokenSource();
        var waiting = tracker.GetSessionIdAsync(impatient.Token).AsTask();
        await creating.Entered;

        impatient.Cancel();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => waiting);
        creating.Release();
        await failed.Task;

        var id = await tracker.GetSessionIdAsync();
        Assert.Equal(2, _api.Calls("createSession"));
        Assert.Equal(id, Assert.Single(_api.Sessions).Id);
    }

    [Fact]
    public async Task GetSessionId_WhenTheCallerGivesUp_LetsTheCreationFinishForOthers()
    {
        var tracker = Tracker();
        using var impatient = new CancellationTokenSource(TimeSpan.FromMilliseconds(5));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => tracker.GetSessionIdAsync(impatient.Token).AsTask());
        await tracker.GetSessionIdAsync();

        Assert.Equal(1, _api.Calls("createSession"));
    }
}

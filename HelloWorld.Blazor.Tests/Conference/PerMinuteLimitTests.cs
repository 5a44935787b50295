using System.Net;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Security;
using Microsoft.Extensions.Time.Testing;

namespace HelloWorld.Blazor.Tests.Conference;

/// <summary>The one limit on what spends money: per client and for everyone, in any 60 seconds.</summary>
public sealed class PerMinuteLimitTests
{
    private static readonly ClientAddress Alice = ClientAddress.From(IPAddress.Parse("203.0.113.7"));

    private readonly FakeTimeProvider _clock = new(new DateTimeOffset(2025, 1, 1, 12, 0, 0, TimeSpan.Zero));

    /// <summary>
    /// Attempts from many clients at uneven intervals for ten minutes: no 60-second window, wherever it starts, holds more
    /// admissions than the rate, and the rate is reached (the limit is not stricter than it says).
    /// </summary>
    [Theory]
    [InlineData(6, 1.0)]
    [InlineData(6, 7.3)]
    [InlineData(3, 0.25)]
    [InlineData(20, 2.9)]
    public void NoSixtySecondWindow_AdmitsMoreThanTheRate_OverTenMinutesOfAttempts(int rate, double secondsBetweenAttempts)
    {
        var limit = new PerMinuteLimit(_clock, overall: rate, perClient: 1000);
        var admitted = new List<DateTimeOffset>();
        var end = _clock.GetUtcNow() + TimeSpan.FromMinutes(10);
        var client = 0;
        while (_clock.GetUtcNow() < end)
        {
            if (limit.TryAcquire(ClientAddress.From(IPAddress.Parse($"10.0.{client / 250}.{client % 250}"))).Admitted)
            {
                admitted.Add(_clock.GetUtcNow());
            }
            client++;
            _clock.Advance(TimeSpan.FromSeconds(secondsBetweenAttempts));
        }

        var busiestWindow = admitted.Max(start => admitted.Count(at => at >= start && at < start + PerMinuteLimit.Window));
        Assert.Equal(rate, busiestWindow);
        var attemptsPerMinute = 60 / secondsBetweenAttempts;
        Assert.True(admitted.Count >= 9 * Math.Min(rate, Math.Floor(attemptsPerMinute)), $"only {admitted.Count} admitted in ten minutes");
    }

    /// <summary>Issue 11: the global 6/min let 12 calls through in 59 s, because its bucket refilled all at once.</summary>
    [Fact]
    public void TwelveAttemptsIn59Seconds_Against6PerMinute_AdmitSix_WhenTheMinuteTurnsInTheMiddle()
    {
        var limit = new PerMinuteLimit(_clock, overall: 6, perClient: 1000);
        _clock.Advance(TimeSpan.FromSeconds(50));
        var admitted = 0;
        for (var attempt = 0; attempt < 12; attempt++)
        {
            admitted += limit.TryAcquire(ClientAddress.From(IPAddress.Parse($"10.0.0.{attempt}"))).Admitted ? 1 : 0;
            _clock.Advance(TimeSpan.FromSeconds(59.0 / 11));
        }

        Assert.Equal(6, admitted);
    }

    [Fact]
    public void AClientAtItsLimit_IsToldWhenItsOldestAdmissionLeavesTheWindow_AndOthersStillPass()
    {
        var limit = new PerMinuteLimit(_clock, overall: 100, perClient: 3);
        for (var i = 0; i < 3; i++)
        {
            Assert.True(limit.TryAcquire(Alice).Admitted);
            _clock.Advance(TimeSpan.FromSeconds(10));
        }

        var refused = limit.TryAcquire(Alice);

        Assert.False(refused.Admitted);
        Assert.True(refused.RefusedForTheClient);
        Assert.Equal(TimeSpan.FromSeconds(30), refused.RetryAfter);
        Assert.True(limit.TryAcquire(ClientAddress.From(IPAddress.Parse("198.51.100.20"))).Admitted);
        _clock.Advance(refused.RetryAfter);
        Assert.True(limit.TryAcquire(Alice).Admitted);
    }

    [Fact]
    public void ARefusalOverall_CountsAgainstNeitherLimit()
    {
        var limit = new PerMinuteLimit(_clock, overall: 1, perClient: 1);
        Assert.True(limit.TryAcquire(ClientAddress.From(IPAddress.Parse("198.51.100.20"))).Admitted);

        var refused = limit.TryAcquire(Alice);

        Assert.False(refused.Admitted);
        Assert.False(refused.RefusedForTheClient);
        _clock.Advance(PerMinuteLimit.Window);
        Assert.True(limit.TryAcquire(Alice).Admitted); // Alice's refused attempt did not use up her own limit
    }
}

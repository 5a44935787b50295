using HelloWorld.Blazor.Components.Call;
using HelloWorld.Blazor.Conference;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace HelloWorld.Blazor.Tests.Components.Call;

public sealed class CallJournalTests
{
    private const string Number = "+19195550123";
    private readonly FakeTimeProvider _clock = new(DateTimeOffset.Parse("2026-11-24T10:00:00Z"));
    private readonly CallRegistry _calls;
    private readonly CallJournal _journal;

    public CallJournalTests()
    {
        _calls = new CallRegistry(_clock, NullLogger<CallRegistry>.Instance);
        _journal = new CallJournal(_clock);
    }

    private string[] Lines => [.. _journal.Entries.Select(entry => entry.Text)];

    private string[] Announced => [.. _journal.Entries.Where(entry => entry.Announced).Select(entry => entry.Text)];

    [Fact]
    public void Joining_IsAnnouncedOnceItIsDone_AndSwitchingTheMicrophoneSaysNothing()
    {
        foreach (var status in new[] { CallPageStatus.Joining, CallPageStatus.Connecting, CallPageStatus.Publishing, CallPageStatus.Connected,
                     CallPageStatus.Publishing, CallPageStatus.Connected })
        {
            _journal.StateChanged(new CallPageState(status));
        }

        Assert.Equal(["You joined the call."], Announced);
        Assert.Equal("You joined the call.", _journal.Announcement?.Text);
    }

    [Fact]
    public void AMicrophoneThatFailsThenStarts_IsAnnouncedBothTimes()
    {
        _journal.StateChanged(new CallPageState(CallPageStatus.Publishing));
        _journal.StateChanged(new CallPageState(CallPageStatus.MicrophoneDenied));
        _journal.StateChanged(new CallPageState(CallPageStatus.Publishing));
        _journal.StateChanged(new CallPageState(CallPageStatus.Connected));

        Assert.Equal(["You joined the call without your microphone: you can listen, not speak.", "Your microphone is on."], Announced);
    }

    [Fact]
    public void PlacedCall_LogsEachStepWithItsTime_AndAnnouncesOnlyWhatMatters()
    {
        var placedAt = _clock.GetUtcNow();
        _journal.CallsChanged(Changed(() => _calls.Register("c-1", CallDirection.Outbound, "+19195550100", Number, "p-1")));
        _clock.Advance(TimeSpan.FromSeconds(4));
        _journal.CallsChanged(Changed(() => _calls.MarkAnswered("c-1")));
        _journal.CallsChanged(Changed(() => _calls.MarkTransferred("c-1")));
        _clock.Advance(TimeSpan.FromSeconds(60));
        _journal.CallsChanged(Changed(() => _calls.MarkEnded("c-1", "hangup")));

        Assert.Equal([$"Calling {Number}…", $"{Number} answered.", $"Phone {Number} joined the call.", $"The call with {Number} ended."], Lines);
        Assert.Equal([$"Phone {Number} joined the call.", $"The call with {Number} ended."], Announced);
        Assert.Equal(placedAt, _journal.Entries[0].At);
        Assert.Equal(placedAt.AddSeconds(64), _journal.Entries[^1].At);
    }

    [Theory]
    [InlineData("timeout", "The call to +19195550123 failed: nobody answered.")]
    [InlineData("rejected", "The call to +19195550123 failed: it was declined.")]
    [InlineData("busy", "The call to +19195550123 failed: the line was busy.")]
    [InlineData("error", "The call to +19195550123 failed.")]
    public void UnansweredCall_IsAnnouncedAsFailed_SayingWhy(string cause, string said)
    {
        _journal.CallsChanged(Changed(() => _calls.Register("c-1", CallDirection.Outbound, "+19195550100", Number, "p-1")));

        _journal.CallsChanged(Changed(() => _calls.MarkEnded("c-1", cause)));

        Assert.Equal(said, _journal.Announcement?.Text);
    }

    [Fact]
    public void TheSameCallSeenAgainUnchanged_IsNotLoggedTwice()
    {
        _calls.Register("c-1", CallDirection.Inbound, Number, "+19195550100", "p-1");
        _journal.CallsChanged(CallPageContext.Own(_calls.Calls));
        _journal.CallsChanged(CallPageContext.Own(_calls.Calls));

        Assert.Equal([$"{Number} is dialing in…"], Lines);
    }

    [Fact]
    public void CallsFromBeforeThePageOpened_AreNotLogged()
    {
        _calls.Register("c-old", CallDirection.Inbound, Number, "+19195550100", "p-1");
        _journal.Start(CallPageContext.Own(_calls.Calls));

        _journal.CallsChanged(CallPageContext.Own(_calls.Calls));

        Assert.Empty(_journal.Entries);
    }

    [Fact]
    public void TheLastOtherPersonLeaving_AnnouncesYouAreAlone_Once()
    {
        _journal.StateChanged(new CallPageState(CallPageStatus.Connected));
        _journal.OthersHeardChanged(1, browser: true);
        _journal.OthersHeardChanged(2, browser: false);
        _journal.OthersHeardChanged(1, browser: false);

        _journal.OthersHeardChanged(0, browser: true);

        Assert.Equal(["You joined the call.", "Another browser joined the call.", "A browser left the call.", "You are alone in the call."], Lines);
        Assert.Equal(1, Lines.Count(line => line == "You are alone in the call."));
        Assert.Equal("You are alone in the call.", _journal.Announcement?.Text);
    }

    [Fact]
    public void Times_AreShownInTheBrowsersTimeZone()
    {
        _journal.Failed("The call to +19195550123 could not be placed.");

        Assert.Equal("11:00:00", CallJournal.TimeOf(_journal.Entries[0], TimeZoneInfo.FindSystemTimeZoneById("Europe/Paris")));
    }

    [Fact]
    public void ALongCall_KeepsItsLatestLines()
    {
        for (var i = 0; i < CallJournal.EntriesKept + 5; i++)
        {
            _journal.Failed($"failure {i}");
        }

        Assert.Equal(CallJournal.EntriesKept, _journal.Entries.Count);
        Assert.Equal($"failure {CallJournal.EntriesKept + 4}", _journal.Entries[^1].Text);
    }

    private IReadOnlyList<TabCall> Changed(Action change)
    {
        change();
        return CallPageContext.Own(_calls.Calls);
    }
}

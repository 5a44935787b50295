using HelloWorld.Blazor.Conference;

namespace HelloWorld.Blazor.Components.Call;

/// <summary>One line of this tab's call log.</summary>
/// <param name="Sequence">Numbers the entries; the live region keys its text by it, so that a repeated text is announced again.</param>
/// <param name="Announced">Said by the live region too: a change that matters to someone who cannot see the page.</param>
public sealed record CallJournalEntry(int Sequence, DateTimeOffset At, string Text, bool Announced);

/// <summary>
/// What happened in this tab's call, with times: the page's event log, and the changes its polite live region announces,
/// each once. It learns from what the page already observes (the join's state, the people heard, the phone calls) and
/// keeps only what happened after the tab opened.
/// </summary>
public sealed class CallJournal(TimeProvider clock)
{
    /// <summary>A long call keeps its latest lines; the first ones go.</summary>
    public const int EntriesKept = 100;

    private readonly List<CallJournalEntry> _entries = [];
    private readonly Dictionary<string, TabCall> _calls = new(StringComparer.Ordinal);
    private CallPageStatus? _status;
    private bool _joined;
    private bool _microphoneFailed;
    private int _othersHeard;

    public IReadOnlyList<CallJournalEntry> Entries => _entries;

    /// <summary>The latest change the live region says; null until one happens.</summary>
    public CallJournalEntry? Announcement { get; private set; }

    /// <summary>The calls already known when the page opened: they are the past, and not logged.</summary>
    public void Start(IEnumerable<TabCall> calls)
    {
        foreach (var call in calls)
        {
            _calls[call.Key] = call;
        }
    }

    public void StateChanged(CallPageState state)
    {
        if (state.Status == _status)
        {
            return;
        }
        var before = _status;
        _status = state.Status;
        if (before == CallPageStatus.Reconnecting && state.IsInCall)
        {
            Record("You are back in the call.", announce: true);
            return;
        }
        switch (state.Status)
        {
            case CallPageStatus.Joining:
                _joined = false;
                break;
            case CallPageStatus.Connected:
                if (!_joined || _microphoneFailed)
                {
                    Record(_joined ? "Your microphone is on." : "You joined the call.", announce: true);
                }
                (_joined, _microphoneFailed) = (true, false);
                break;
            case var _ when state.IsMicrophoneProblem:
                Record(_joined ? "Your microphone could not start: you can listen, not speak."
                    : "You joined the call without your microphone: you can listen, not speak.", announce: true);
                (_joined, _microphoneFailed) = (true, true);
                break;
            case var _ when state.IsJoinFailure:
                Record("You could not join the call.", announce: true);
                break;
            case CallPageStatus.NoWebRtcAccess:
                Record("You could not join the call: this Bandwidth account has no access to the WebRTC API.", announce: true);
                break;
            case CallPageStatus.WaitingForPlace:
                Record($"{state.Detail} You join as soon as a place frees up.", announce: true);
                break;
            case CallPageStatus.Reconnecting:
                Record("Your connection to the call dropped. Reconnecting…", announce: true);
                break;
            case CallPageStatus.AppStopped:
                Record("The app stopped, so you left the call.", announce: true);
                break;
        }
    }

    /// <summary>The number of other people this tab hears (remote streams) changed.</summary>
    /// <param name="browser">A browser's stream came or went (a phone's arrival is told by its call instead).</param>
    public void OthersHeardChanged(int othersHeard, bool? browser)
    {
        var before = _othersHeard;
        _othersHeard = othersHeard;
        if (browser == true)
        {
            Record(othersHeard > before ? "Another browser joined the call." : "A browser left the call.", announce: othersHeard > 0);
        }
        if (before > 0 && othersHeard == 0 && _status is not CallPageStatus.AppStopped)
        {
            Record("You are alone in the call.", announce: true);
        }
    }

    /// <summary>
    /// Compares the calls this tab sees with the ones seen before, and logs each step a call took since. Another tab's
    /// call leaves the view when it ends (only this tab's calls stay in its history): that is its end here.
    /// </summary>
    public void CallsChanged(IEnumerable<TabCall> calls)
    {
        var seen = calls.ToList();
        foreach (var gone in _calls.Values.Where(known => known.IsActive && !seen.Exists(call => call.Key == known.Key)).ToList())
        {
            _calls.Remove(gone.Key);
            Record($"The call with {gone.Number} ended.", announce: true);
        }
        foreach (var call in seen.OrderBy(call => call.StartedAt))
        {
            var known = _calls.GetValueOrDefault(call.Key);
            _calls[call.Key] = call;
            if (known is null && call.State != CallState.Ended)
            {
                Record(call.Direction == CallDirection.Outbound ? $"Calling {call.Number}…" : $"{call.Number} is dialing in…",
                    announce: false, call.StartedAt);
            }
            if (known?.State == call.State)
            {
                continue;
            }
            if (call.AnsweredAt is { } answered && known?.AnsweredAt is null && call.Direction == CallDirection.Outbound)
            {
                Record($"{call.Number} answered.", announce: false, answered);
            }
            if (call.State == CallState.Transferred)
            {
                Record($"Phone {call.Number} joined the call.", announce: true);
            }
            else if (call.State == CallState.Ended)
            {
                Record(Ended(call), announce: true, call.EndedAt);
            }
        }
    }

    /// <summary>Something the person asked for failed (a call that could not be placed); the page shows it where it failed.</summary>
    public void Failed(string text) => Record(text, announce: true);

    /// <summary>"10:31:05", in the browser's time zone.</summary>
    public static string TimeOf(CallJournalEntry entry, TimeZoneInfo zone) =>
        TimeZoneInfo.ConvertTime(entry.At, zone).ToString("HH:mm:ss", System.Globalization.CultureInfo.InvariantCulture);

    private static string Ended(TabCall call)
    {
        if (call.AnsweredAt is null && call.Direction == CallDirection.Outbound)
        {
            return call.EndCause switch
            {
                "timeout" => $"The call to {call.Number} failed: nobody answered.",
                "rejected" => $"The call to {call.Number} failed: it was declined.",
                "busy" => $"The call to {call.Number} failed: the line was busy.",
                "cancel" or "hangup" => $"The call to {call.Number} was cancelled.",
                _ => $"The call to {call.Number} failed.",
            };
        }
        return $"The call with {call.Number} ended.";
    }

    private void Record(string text, bool announce, DateTimeOffset? at = null)
    {
        var entry = new CallJournalEntry((_entries.LastOrDefault()?.Sequence ?? 0) + 1, at ?? clock.GetUtcNow(), text, announce);
        _entries.Add(entry);
        if (_entries.Count > EntriesKept)
        {
            _entries.RemoveAt(0);
        }
        if (announce)
        {
            Announcement = entry;
        }
    }
}

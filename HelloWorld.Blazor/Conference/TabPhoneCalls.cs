using System.Security.Cryptography;
using System.Text;
using HelloWorld.Blazor.Security;

namespace HelloWorld.Blazor.Conference;

/// <summary>One phone call as one tab may see it.</summary>
/// <param name="Key">Stable per call, for <c>@key</c> and markup: the call id for this tab's calls, an opaque digest otherwise.</param>
/// <param name="CallId">Only for this tab's calls: nobody else's call id reaches the page.</param>
/// <param name="Number">In full for this tab's calls, masked (<see cref="PhoneNumberMask"/>) for every other.</param>
public sealed record TabCall(
    string Key,
    string? CallId,
    string Number,
    CallDirection Direction,
    CallState State,
    DateTimeOffset StartedAt,
    DateTimeOffset? AnsweredAt,
    DateTimeOffset? EndedAt,
    string? EndCause,
    bool IsOwn)
{
    public bool IsActive => State != CallState.Ended;

    /// <summary>Why the phone could not join the session (<see cref="PhoneCall.JoinFailure"/>); <c>null</c> otherwise.</summary>
    public string? JoinFailure { get; init; }

    /// <summary>Only the tab that placed a call may end it.</summary>
    public bool CanHangUp => IsOwn && IsActive;
}

/// <param name="Active">The calls this tab placed that are not over, and the phones in the call (dial-ins included), newest first.</param>
/// <param name="History">This tab's ended calls, newest first, at most <see cref="TabPhoneCalls.HistoryKept"/>.</param>
public sealed record TabCallView(IReadOnlyList<TabCall> Active, IReadOnlyList<TabCall> History);

/// <summary>
/// The phone calls as one tab (one circuit, <see cref="TabIdentity"/>) may see and control them: it owns the calls it
/// placed, and only those; it sees other phones only once they are in the call, with their numbers masked.
/// Calls from <c>POST /callPhone</c> belong to no tab. Scoped: inject it into the page.
/// </summary>
public interface ITabPhoneCalls
{
    /// <summary>The numbers the page may dial: the configured outbound number first, then the allow-list.</summary>
    IReadOnlyList<string> DialableNumbers { get; }

    /// <summary>A snapshot, computed now.</summary>
    TabCallView View { get; }

    /// <summary>
    /// <paramref name="onChanged"/> runs after every change to any call, off the caller's thread context: read
    /// <see cref="View"/> again then. Dispose the result to stop.
    /// </summary>
    IDisposable Subscribe(Func<Task> onChanged);

    /// <summary>
    /// Places a call owned by this tab, within the limits shared with <c>POST /callPhone</c> (this tab's client address and
    /// everyone's). Throws <see cref="PhoneCallRejectedException"/> saying why not (the conference is full, too many calls,
    /// a number not allowed or in a call already).
    /// </summary>
    Task<TabCall> CallAsync(string? number, CancellationToken cancellationToken = default);

    /// <summary>Hangs up a call this tab placed; throws <see cref="PhoneCallRejectedException"/> (<see cref="PhoneCallRejection.NotYourCall"/>) for any other.</summary>
    Task HangUpAsync(string callKey, CancellationToken cancellationToken = default);

    /// <summary>"Phone +1•••••0123" (in full for this tab's calls) for a phone call's participant; <c>null</c> for any other participant.</summary>
    string? PhoneLabel(string participantId);
}

public sealed class TabPhoneCalls(TabIdentity tab, IPhoneCallService calls, ICallRegistry registry) : ITabPhoneCalls
{
    public const int HistoryKept = 10;

    private readonly Lock _gate = new();

    // This tab's calls as last seen: the registry keeps only the latest ended calls of everyone.
    private readonly Dictionary<string, PhoneCall> _own = new(StringComparer.Ordinal);

    public IReadOnlyList<string> DialableNumbers => calls.DialableNumbers;

    public TabCallView View
    {
        get
        {
            var everyone = registry.Calls;
            lock (_gate)
            {
                foreach (var call in everyone.Where(call => _own.ContainsKey(call.CallId)))
                {
                    _own[call.CallId] = call;
                }
                var history = _own.Values.Where(call => !call.IsActive).OrderByDescending(call => call.EndedAt).ToList();
                foreach (var forgotten in history.Skip(HistoryKept))
                {
                    _own.Remove(forgotten.CallId);
                }
                var active = _own.Values.Where(call => call.IsActive)
                    .Concat(everyone.Where(call => !_own.ContainsKey(call.CallId) && IsInTheCall(call)))
                    .OrderByDescending(call => call.StartedAt);
                return new TabCallView([.. active.Select(Show)], [.. history.Take(HistoryKept).Select(Show)]);
            }
        }
    }

    public IDisposable Subscribe(Func<Task> onChanged) => registry.Subscribe(onChanged);

    public async Task<TabCall> CallAsync(string? number, CancellationToken cancellationToken = default)
    {
        var call = await calls.CallAsync(number, tab.Client, cancellationToken).ConfigureAwait(false);
        lock (_gate)
        {
            _own[call.CallId] = registry.Find(call.CallId) ?? call;
            return Show(_own[call.CallId]);
        }
    }

    public Task HangUpAsync(string callKey, CancellationToken cancellationToken = default)
    {
        lock (_gate)
        {
            if (!_own.ContainsKey(callKey))
            {
                throw new PhoneCallRejectedException(PhoneCallRejection.NotYourCall, "Only the tab that placed a call can hang it up.");
            }
        }
        return calls.HangUpAsync(callKey, cancellationToken);
    }

    public string? PhoneLabel(string participantId)
    {
        if (registry.FindByParticipant(participantId) is not { } call)
        {
            return null;
        }
        lock (_gate)
        {
            return $"Phone {Show(call).Number}";
        }
    }

    /// <summary>Someone else's call shows once the phone is in the conference (or on its way in), not while it rings.</summary>
    private static bool IsInTheCall(PhoneCall call) => call.IsActive && call.State != CallState.Ringing;

    private TabCall Show(PhoneCall call)
    {
        var own = _own.ContainsKey(call.CallId);
        return new TabCall(
            own ? call.CallId : OpaqueKey(call.CallId),
            own ? call.CallId : null,
            own ? call.RemoteNumber : PhoneNumberMask.Mask(call.RemoteNumber),
            call.Direction, call.State, call.StartedAt, call.AnsweredAt, call.EndedAt, call.EndCause, own)
        {
            JoinFailure = call.JoinFailure,
        };
    }

    // A call id carries about 128 random bits, so its digest cannot be turned back into it.
    private static string OpaqueKey(string callId) =>
        "call-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(callId)), 0, 8);
}

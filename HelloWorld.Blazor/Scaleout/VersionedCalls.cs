using System.Collections.Concurrent;
using System.Globalization;
using System.Text.Json;
using HelloWorld.Blazor.Conference;

namespace HelloWorld.Blazor.Scaleout;

/// <summary>A call as one version left it (see <see cref="RedisCallScripts"/>); without a call, the version that dropped it.</summary>
internal sealed record VersionedCall(long Version, PhoneCall? Call)
{
    /// <summary>A call as Redis stores it: <c>version:json</c>.</summary>
    public static VersionedCall FromStored(string text, JsonSerializerOptions json)
    {
        if (text.StartsWith('{'))
        {
            // Stored by a release before versions, and not changed since: older than any version.
            return new VersionedCall(0, JsonSerializer.Deserialize<PhoneCall>(text, json));
        }
        var separator = text.IndexOf(':', StringComparison.Ordinal);
        return new VersionedCall(long.Parse(text.AsSpan(0, separator), CultureInfo.InvariantCulture), JsonSerializer.Deserialize<PhoneCall>(text.AsSpan(separator + 1), json));
    }
}

/// <summary>
/// One instance's copy of the calls in Redis: of each call, the highest version heard of, in whatever order the versions
/// arrive. A change applied here after a later one heard from another instance, or a read that a change overtook, is
/// older whatever its history says (attaching a participant adds no history entry), so it never replaces what is kept.
/// </summary>
internal sealed class VersionedCalls(TimeProvider timeProvider)
{
    // A drop is kept as a version without a call, so that a late snapshot cannot bring the call back; a snapshot read or
    // changed before the drop arrives within moments, so the drop is forgotten after this long.
    private static readonly TimeSpan DropRemembered = TimeSpan.FromMinutes(1);

    private readonly ConcurrentDictionary<string, VersionedCall> _calls = new(StringComparer.Ordinal);
    private readonly ConcurrentQueue<(string CallId, VersionedCall Drop, DateTimeOffset At)> _drops = new();

    public IEnumerable<PhoneCall> All => _calls.Values.Select(kept => kept.Call).OfType<PhoneCall>();

    public VersionedCall? Find(string callId) => _calls.GetValueOrDefault(callId) is { Call: not null } kept ? kept : null;

    public void Keep(string callId, VersionedCall newer)
    {
        // A drop shares its version with the change that ended a call (and may drop that very call): it comes after it.
        var kept = _calls.AddOrUpdate(callId, newer, (_, current) =>
            newer.Version > current.Version || (newer.Version == current.Version && newer.Call is null) ? newer : current);
        var now = timeProvider.GetUtcNow();
        if (newer.Call is null && ReferenceEquals(kept, newer))
        {
            _drops.Enqueue((callId, newer, now));
        }
        while (_drops.TryPeek(out var drop) && drop.At < now - DropRemembered && _drops.TryDequeue(out drop))
        {
            _calls.TryRemove(KeyValuePair.Create(drop.CallId, drop.Drop));
        }
    }

    public void Drop(string callId, long version) => Keep(callId, new VersionedCall(version, null));

    /// <summary>
    /// Every stored call, read at once with the version counter: a call kept here but no longer stored was dropped at
    /// the latest by that version (a call registered since has a higher one, and stays).
    /// </summary>
    public void KeepAll(IReadOnlyDictionary<string, VersionedCall> stored, long counter)
    {
        foreach (var callId in _calls.Keys.Where(id => !stored.ContainsKey(id)))
        {
            Drop(callId, counter);
        }
        foreach (var (callId, call) in stored)
        {
            Keep(callId, call);
        }
    }
}

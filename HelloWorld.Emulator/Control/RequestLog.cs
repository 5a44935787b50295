using System.Collections.Concurrent;

namespace HelloWorld.Emulator.Control;

/// <summary>
/// Every WebRTC and Voice API request the emulator served, for tests and the load tool to count round trips.
/// Bounded: the oldest entries go first.
/// </summary>
internal sealed class RequestLog
{
    public const int Capacity = 100_000;

    private readonly ConcurrentQueue<ApiRequestRecord> _entries = new();
    private long _sequence;

    public void Add(string method, string path, int status, double durationMs, DateTimeOffset at, bool faulted)
    {
        _entries.Enqueue(new ApiRequestRecord(Interlocked.Increment(ref _sequence), method, path, status, durationMs, at, faulted));
        while (_entries.Count > Capacity && _entries.TryDequeue(out _))
        {
        }
    }

    public IReadOnlyList<ApiRequestRecord> Entries => [.. _entries];

    public void Clear() => _entries.Clear();
}

/// <param name="Faulted">True when an injected fault answered instead of the emulator.</param>
internal sealed record ApiRequestRecord(long Sequence, string Method, string Path, int Status, double DurationMs, DateTimeOffset At, bool Faulted);

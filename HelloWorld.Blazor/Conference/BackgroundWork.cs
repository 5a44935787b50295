using System.Collections.Concurrent;

namespace HelloWorld.Blazor.Conference;

/// <summary>
/// Work that outlives the request that started it (a participant deleted after its webhook was answered): each task is
/// tracked until it completes, so shutdown can wait for what is still running instead of racing it.
/// </summary>
internal sealed class BackgroundWork
{
    private readonly ConcurrentDictionary<Task, byte> _running = new();

    /// <summary>The tasks still running.</summary>
    public IEnumerable<Task> Running => _running.Keys;

    /// <summary>Tracks <paramref name="work"/> until it completes, and returns it.</summary>
    public Task Track(Task work)
    {
        _running[work] = 0;
        _ = work.ContinueWith(done => _running.TryRemove(done, out _), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return work;
    }
}

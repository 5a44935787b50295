using System.Collections.Concurrent;

namespace HelloWorld.Blazor.Conference;

/// <summary>
/// Work that outlives the request that started it (a participant deleted after its webhook was answered): each task is
/// tracked until it completes, so shutdown can wait for what is still running instead of racing it.
/// </summary>
internal sealed class BackgroundTasks
{
    private readonly ConcurrentDictionary<Task, byte> _running = new();

    /// <summary>Tracks <paramref name="work"/> until it completes, and returns it.</summary>
    public TTask Track<TTask>(TTask work) where TTask : Task
    {
        _running[work] = 0;
        _ = work.ContinueWith(done => _running.TryRemove(done, out _), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
        return work;
    }

    /// <summary>
    /// Completes once no tracked task is running, including tasks tracked while it waits (a join that ends in a deletion).
    /// A task's failure has been logged where it failed; all that matters here is that it is over.
    /// </summary>
    public async Task DrainAsync(CancellationToken cancellationToken)
    {
        while (_running.Keys.Where(task => !task.IsCompleted).ToArray() is { Length: > 0 } running)
        {
            try
            {
                await Task.WhenAll(running).WaitAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (Exception) when (!cancellationToken.IsCancellationRequested)
            {
            }
        }
    }
}

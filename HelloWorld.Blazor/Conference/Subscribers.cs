using System.Collections.Immutable;

namespace HelloWorld.Blazor.Conference;

/// <summary>
/// The push behind every <c>Subscribe</c> (calls, the session's places): each subscriber runs on its own, off the caller's
/// thread, so a slow or failing page never delays a webhook, a join or the other pages. Failures are logged.
/// </summary>
public sealed class Subscribers(ILogger logger, string what)
{
    private ImmutableArray<Func<Task>> _subscribers = [];

    public IDisposable Subscribe(Func<Task> onChanged)
    {
        ImmutableInterlocked.Update(ref _subscribers, list => list.Add(onChanged));
        return new Subscription(() => ImmutableInterlocked.Update(ref _subscribers, list => list.Remove(onChanged)));
    }

    public void Notify()
    {
        foreach (var subscriber in _subscribers)
        {
            _ = NotifyAsync(subscriber);
        }
    }

    private async Task NotifyAsync(Func<Task> subscriber)
    {
        try
        {
            await Task.Run(subscriber).ConfigureAwait(false);
        }
        catch (Exception exception)
        {
            SubscribersLog.SubscriberFailed(logger, what, exception);
        }
    }
}

/// <summary>Undoes something once, however often it is disposed.</summary>
public sealed class Subscription(Action unsubscribe) : IDisposable
{
    private Action? _unsubscribe = unsubscribe;

    public void Dispose() => Interlocked.Exchange(ref _unsubscribe, null)?.Invoke();
}

internal static partial class SubscribersLog
{
    [LoggerMessage(EventId = 2201, Level = LogLevel.Warning, Message = "A {What} subscriber failed")]
    public static partial void SubscriberFailed(ILogger logger, string what, Exception exception);
}

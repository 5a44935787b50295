using System.Collections.Concurrent;
using HelloWorld.Blazor.Bandwidth;
using Microsoft.AspNetCore.SignalR;

namespace HelloWorld.Blazor.Components.Hosting;

/// <summary>
/// Ends the open call pages when the app stops, before the server does. Left alone, a tab keeps two long-lived
/// connections open (Blazor's circuit and the SDK's socket), and the server waits out its whole shutdown timeout for
/// them; the circuit's page would then be disposed after the server (and, in emulator mode, the emulator) had gone, and
/// fail to delete its participant. So every page is told to leave (it shows why, lets go of the SDK and deletes its
/// participant) within <see cref="Budget"/>, while its circuit can still reach the browser; then every circuit's
/// connection is closed, and new ones are turned away (<see cref="TurnAwayWhileStopping"/>).
/// </summary>
/// <remarks>
/// "While its circuit can still reach the browser" is the catch: SignalR closes every connection on
/// <see cref="IHostApplicationLifetime.ApplicationStopping"/> (which a Ctrl+C or SIGTERM fires before any hosted service
/// stops), the browser at once reconnects, and a JS call caught in between is lost. Cancellation callbacks run last
/// registered first, so the pages leave from a callback registered once the first page exists, when SignalR has long
/// registered its own. <see cref="StoppingAsync"/> does the same for a host stopped without that signal.
/// </remarks>
internal sealed partial class CallPageShutdown(IHostApplicationLifetime lifetime, ILogger<CallPageShutdown> logger)
    : IHubFilter, IHostedLifecycleService
{
    /// <summary>How long the pages together may take to leave; what they have not deleted by then, the conference's clean-up does.</summary>
    public static readonly TimeSpan Budget = TimeSpan.FromSeconds(2);

    private readonly ConcurrentDictionary<object, Func<Task>> _pages = new();
    private readonly ConcurrentDictionary<HubCallerContext, byte> _connections = new();
    private readonly Lock _gate = new();
    private CancellationTokenRegistration? _onStopping;
    private Task? _leaving;
    private volatile bool _stopping;

    /// <summary>A page joins the list of those told to leave; disposing the result takes it off.</summary>
    public IDisposable Register(Func<Task> leave)
    {
        var key = new object();
        _pages[key] = leave;
        lock (_gate)
        {
            _onStopping ??= lifetime.ApplicationStopping.Register(LeaveBeforeConnectionsClose);
        }
        return new Registration(() => _pages.TryRemove(key, out _));
    }

    /// <summary>
    /// An endpoint convention for the page and its circuits' hub: once the app is stopping, their requests are answered
    /// 503. A tab reconnecting to an app that is stopping would hold the server open again; turned away at the door (its
    /// negotiation, its socket's upgrade), it goes on trying as it would with the app gone, and says so.
    /// </summary>
    public void TurnAwayWhileStopping(EndpointBuilder endpoint)
    {
        if (endpoint.RequestDelegate is not { } next)
        {
            return;
        }
        endpoint.RequestDelegate = context =>
        {
            if (!_stopping)
            {
                return next(context);
            }
            context.Response.StatusCode = StatusCodes.Status503ServiceUnavailable;
            return Task.CompletedTask;
        };
    }

    public async Task OnConnectedAsync(HubLifetimeContext context, Func<HubLifetimeContext, Task> next)
    {
        _connections[context.Context] = 0;
        await next(context);
    }

    public Task OnDisconnectedAsync(HubLifetimeContext context, Exception? exception, Func<HubLifetimeContext, Exception?, Task> next)
    {
        _connections.TryRemove(context.Context, out _);
        return next(context, exception);
    }

    public async Task StoppingAsync(CancellationToken cancellationToken)
    {
        try
        {
            await LeaveAllAsync().WaitAsync(Budget, cancellationToken);
        }
        catch (Exception exception) when (exception is TimeoutException or OperationCanceledException)
        {
            Log.NotAllLeft(logger, SettingHelp.Seconds(Budget));
        }
        foreach (var connection in _connections.Keys)
        {
            connection.Abort();
        }
    }

    /// <summary>
    /// Runs inside <see cref="IHostApplicationLifetime.ApplicationStopping"/>'s callbacks, before SignalR's; blocking is
    /// the point, as SignalR closes the connections as soon as this returns.
    /// </summary>
    private void LeaveBeforeConnectionsClose()
    {
        try
        {
            if (!LeaveAllAsync().Wait(Budget))
            {
                Log.NotAllLeft(logger, SettingHelp.Seconds(Budget));
            }
        }
        catch (AggregateException)
        {
            // Each page's failure was logged where it failed.
        }
    }

    /// <summary>Tells every page to leave, once, however many times it is asked.</summary>
    private Task LeaveAllAsync()
    {
        lock (_gate)
        {
            _stopping = true;
            if (_leaving is null)
            {
                var pages = _pages.Values.ToList();
                if (pages.Count > 0)
                {
                    Log.Leaving(logger, pages.Count);
                }
                _leaving = Task.WhenAll(pages.Select(LeaveAsync));
            }
            return _leaving;
        }
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        _onStopping?.Dispose();
        return Task.CompletedTask;
    }

    /// <summary>A page whose circuit is already gone cannot be reached; it is left to the conference's clean-up.</summary>
    private async Task LeaveAsync(Func<Task> leave)
    {
        try
        {
            await leave();
        }
        catch (Exception exception)
        {
            Log.LeaveFailed(logger, exception.GetType().Name, exception.Message);
        }
    }

    private sealed class Registration(Action dispose) : IDisposable
    {
        private Action? _dispose = dispose;

        public void Dispose() => Interlocked.Exchange(ref _dispose, null)?.Invoke();
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 4111, Level = LogLevel.Information, Message = "Shutting down: {Count} call page(s) leave the call")]
        public static partial void Leaving(ILogger logger, int count);

        [LoggerMessage(EventId = 4112, Level = LogLevel.Warning, Message = "Shutting down: not every call page left within {Budget}; the clean-up deletes what remains")]
        public static partial void NotAllLeft(ILogger logger, string budget);

        [LoggerMessage(EventId = 4113, Level = LogLevel.Warning, Message = "Shutting down: a call page could not leave ({Type}: {Reason}); the clean-up deletes its participant")]
        public static partial void LeaveFailed(ILogger logger, string type, string reason);
    }
}

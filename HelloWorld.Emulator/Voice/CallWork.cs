using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace HelloWorld.Emulator.Voice;

/// <summary>
/// What the Voice engine runs in the background: webhooks, BXML, ring timers. Each call's flow is tracked until it ends;
/// when the host stops, waits on the clock and on the app's BXML end at once, and the host waits (within its shutdown
/// timeout) for the flows to finish instead of leaving them to run against a host that is gone.
/// </summary>
internal sealed partial class CallWork : IHostedService, IDisposable
{
    private readonly ConcurrentDictionary<Task, byte> _running = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly ILogger<CallWork> _logger;
    private int _disposed;

    public CallWork(ILogger<CallWork> logger)
    {
        _logger = logger;
        Stopping = _stopping.Token; // kept: flows may still link to it after disposal
    }

    /// <summary>Cancelled when the host stops: ringing, speaking, pauses and the wait for the app's BXML end.</summary>
    public CancellationToken Stopping { get; }

    /// <summary>Flows not finished yet.</summary>
    public int RunningCount => _running.Count;

    /// <summary>Runs <paramref name="flow"/> of <paramref name="call"/> on its own: tracked until it ends, its failure logged, never lost.</summary>
    public void Run(EmulatedCall call, Task flow)
    {
        var guarded = flow.ContinueWith(task =>
        {
            if (task.Exception is { } exception)
            {
                Log.FlowFailed(_logger, call.CallId, exception.GetBaseException());
            }
        }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        _running[guarded] = 0;
        _ = guarded.ContinueWith(done => _running.TryRemove(done, out _), CancellationToken.None,
            TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        // WebApplicationFactory over Kestrel can stop a host whose container it has already disposed: nothing runs then.
        if (Volatile.Read(ref _disposed) == 1)
        {
            return;
        }
        await _stopping.CancelAsync();
        try
        {
            // Again until none is left: a flow may start another (a BXML Hangup ends the call, which sends a webhook).
            while (!_running.IsEmpty)
            {
                await Task.WhenAll(_running.Keys).WaitAsync(cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            Log.Abandoned(_logger, _running.Count);
        }
    }

    public void Dispose()
    {
        if (Interlocked.Exchange(ref _disposed, 1) == 0)
        {
            _stopping.Cancel(); // flows still waiting on the clock end now, not against a disposed host
            _stopping.Dispose();
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9905, Level = LogLevel.Error, Message = "Call {CallId}: its flow failed")]
        public static partial void FlowFailed(ILogger logger, string callId, Exception exception);

        [LoggerMessage(EventId = 9907, Level = LogLevel.Warning, Message = "The host stopped waiting: {Count} call flow(s) still running")]
        public static partial void Abandoned(ILogger logger, int count);
    }
}

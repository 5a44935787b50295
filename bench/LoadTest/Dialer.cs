using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace LoadTest;

/// <summary>
/// Dials phones into the app through the emulator from <c>concurrency</c> workers, each waiting for its call to settle
/// (joined the session, or ended) before dialing the next, so that up to that many calls are being set up at once.
/// </summary>
internal sealed class Dialer(Control control)
{
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(60);

    /// <summary>The calls, as the emulator saw them once settled, by call id.</summary>
    public async Task<IReadOnlyDictionary<string, JsonObject>> DialAsync(IReadOnlyList<string> numbers, int concurrency)
    {
        await using var watcher = new SettledCalls(control);
        var settled = new ConcurrentDictionary<string, JsonObject>();
        await Parallel.ForEachAsync(numbers, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (number, cancellation) =>
        {
            var callId = await control.DialInAsync(number);
            settled[callId] = await watcher.WaitAsync(callId).WaitAsync(SettleTimeout, cancellation);
        });
        return settled;
    }

    public static bool IsSettled(JsonObject call) => (string?)call["state"] is "transferred" or "completed";

    /// <summary>
    /// One poller for every worker: the calls are read once per tick for all of them, so the tool's own load on the app
    /// (which hosts the emulator) does not grow with the concurrency.
    /// </summary>
    private sealed class SettledCalls : IAsyncDisposable
    {
        private static readonly TimeSpan Tick = TimeSpan.FromMilliseconds(50);

        private readonly ConcurrentDictionary<string, TaskCompletionSource<JsonObject>> _waiting = new(StringComparer.Ordinal);
        private readonly CancellationTokenSource _stop = new();
        private readonly Task _polling;

        public SettledCalls(Control control) => _polling = PollAsync(control);

        public Task<JsonObject> WaitAsync(string callId) =>
            _waiting.GetOrAdd(callId, _ => new(TaskCreationOptions.RunContinuationsAsynchronously)).Task;

        private async Task PollAsync(Control control)
        {
            using var timer = new PeriodicTimer(Tick);
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                if (_waiting.IsEmpty)
                {
                    continue;
                }
                foreach (var call in (await control.CallsAsync()).Where(IsSettled))
                {
                    if (_waiting.TryRemove((string)call["callId"]!, out var waiter))
                    {
                        waiter.TrySetResult(call);
                    }
                }
            }
        }

        public async ValueTask DisposeAsync()
        {
            await _stop.CancelAsync();
            try
            {
                await _polling;
            }
            catch (OperationCanceledException)
            {
            }
            _stop.Dispose();
        }
    }
}

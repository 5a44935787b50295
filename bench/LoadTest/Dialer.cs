using System.Collections.Concurrent;
using System.Text.Json.Nodes;

namespace LoadTest;

/// <summary>
/// Dials phones in through the emulator from <c>concurrency</c> workers, each waiting for its call's initiate webhook to
/// be answered before dialing the next, so that up to that many webhooks are being answered at once.
/// </summary>
internal sealed class Dialer(Control control, WebhookRoutes routes)
{
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// The calls, as the emulator saw them once settled (joined the session, or ended), and how long the dialing took.
    /// </summary>
    public async Task<(List<JsonObject> Calls, TimeSpan Elapsed)> DialAsync(IReadOnlyList<string> numbers, int concurrency)
    {
        var callIds = new ConcurrentBag<string>();
        var clock = System.Diagnostics.Stopwatch.StartNew();
        await Parallel.ForEachAsync(numbers, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (number, cancellation) =>
        {
            var callId = await control.DialInAsync(number);
            callIds.Add(callId);
            await routes.InitiateAnsweredAsync(callId).WaitAsync(SettleTimeout, cancellation);
            routes.Forget(callId);
        });
        var elapsed = clock.Elapsed;
        // The emulator carries out the answered BXML (the Transfer) after the webhook: wait for every call to get there.
        var wanted = callIds.ToHashSet(StringComparer.Ordinal);
        var calls = await Control.WaitForAsync(
            async () => (await control.CallsAsync()).Where(call => wanted.Contains((string)call["callId"]!)).ToList(),
            calls => calls.Count == wanted.Count && calls.All(IsSettled),
            SettleTimeout);
        return (calls, elapsed);
    }

    public static bool IsSettled(JsonObject call) => (string?)call["state"] is "transferred" or "completed";

    /// <summary>
    /// Hangs the calls up from the phones' side and waits until their server has deleted their participants and every
    /// disconnect webhook has been answered; returns the ended calls.
    /// </summary>
    public async Task<List<JsonObject>> HangUpAsync(IEnumerable<string> callIds, string participantTag, int concurrency)
    {
        var ids = callIds.ToHashSet(StringComparer.Ordinal);
        await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (callId, _) => await control.HangUpAsync(callId));
        await Control.WaitForAsync(() => control.ParticipantsAsync(participantTag), count => count == 0, SettleTimeout);
        return await Control.WaitForAsync(
            async () => (await control.CallsAsync()).Where(call => ids.Contains((string)call["callId"]!)).ToList(),
            calls => calls.All(call => (string?)call["state"] == "completed" &&
                                       call["webhooks"]!.AsArray().Any(webhook => (string?)webhook!["eventType"] == "disconnect")),
            SettleTimeout);
    }
}

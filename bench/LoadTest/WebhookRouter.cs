using System.Collections.Concurrent;
using System.Text.Json;

namespace LoadTest;

/// <summary>
/// Where the emulator's Voice webhooks go now, and which calls have had their <c>initiate</c> webhook answered. The tool
/// switches the target only between phases, when no webhook is in flight: each call's webhooks, from dial-in to hang-up,
/// reach the one server it was dialed for.
/// </summary>
internal sealed class WebhookRoutes
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _answered = new(StringComparer.Ordinal);

    public Uri? Target { get; set; }

    /// <summary>Completes once the call's initiate webhook has been answered (or has failed).</summary>
    public Task InitiateAnsweredAsync(string callId) => Waiter(callId).Task;

    public void Forget(string callId) => _answered.TryRemove(callId, out _);

    internal void MarkAnswered(string callId) => Waiter(callId).TrySetResult();

    private TaskCompletionSource Waiter(string callId) =>
        _answered.GetOrAdd(callId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}

/// <summary>
/// In the emulator's webhook client: sends each webhook to the current target (keeping its path and query), and tells the
/// dialer when a call's initiate webhook is answered, so the dialer needs no polling that would load the emulator.
/// </summary>
internal sealed class WebhookRouter(WebhookRoutes routes) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var target = routes.Target ?? throw new InvalidOperationException("A webhook was sent while no server is under test.");
        request.RequestUri = new Uri(target, request.RequestUri!.PathAndQuery);
        var initiatedCall = request.Content is null ? null : InitiatedCall(await request.Content.ReadAsByteArrayAsync(cancellationToken));
        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        finally
        {
            if (initiatedCall is not null)
            {
                routes.MarkAnswered(initiatedCall);
            }
        }
    }

    /// <summary>The call id of an initiate webhook (Bandwidth's JSON body: <c>eventType</c>, <c>callId</c>, ...); otherwise null.</summary>
    private static string? InitiatedCall(byte[] body)
    {
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        return root.TryGetProperty("eventType", out var eventType) && eventType.ValueEquals("initiate") &&
               root.TryGetProperty("callId", out var callId)
            ? callId.GetString()
            : null;
    }
}

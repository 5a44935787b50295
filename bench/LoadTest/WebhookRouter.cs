using System.Collections.Concurrent;
using System.Text.Json;

namespace LoadTest;

/// <summary>
/// Where the emulator's Voice webhooks go now, where each call's went, and which calls have had their <c>initiate</c>
/// webhook answered. The tool switches the targets only between phases, when no webhook is in flight: each call's
/// webhooks, from dial-in to hang-up, reach the server it was dialed for.
/// </summary>
/// <remarks>
/// A server of several instances (the app on Redis) is reached as through a load balancer without affinity, choosing per
/// webhook: a call's first webhook goes to the next instance in turn (call 1 to instance 1, call 2 to instance 2, ...)
/// and each later webhook of the call (its transfer leg's included) to the instance after the one its previous webhook
/// reached. So the dial-ins are shared evenly, and no two webhooks of a call in a row reach the same instance: a call
/// answered on one is joined (<c>transferAnswer</c>) on another, the case scale-out must get right, made every call's
/// case instead of a random half's. Not a round robin over all webhooks: at C=1 every dial-in makes two webhooks
/// (<c>initiate</c>, then <c>transferAnswer</c>), so every <c>initiate</c> would reach instance 1 and none instance 2.
/// </remarks>
internal sealed class WebhookRoutes
{
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _answered = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, List<int>> _reached = new(StringComparer.Ordinal);
    private volatile Uri[] _targets = [];
    private int _calls = -1;

    /// <summary>From now on, webhooks go to these instances of one server; none: a webhook now is an error.</summary>
    public void To(params IReadOnlyList<Uri> targets) => _targets = [.. targets];

    /// <summary>Completes once the call's initiate webhook has been answered (or has failed).</summary>
    public Task InitiateAnsweredAsync(string callId) => Waiter(callId).Task;

    public void Forget(string callId) => _answered.TryRemove(callId, out _);

    /// <summary>The instances (0-based, in the order of <see cref="To"/>) that the call's webhooks reached, in order.</summary>
    public IReadOnlyList<int> Reached(string callId)
    {
        if (!_reached.TryGetValue(callId, out var reached))
        {
            return [];
        }
        lock (reached)
        {
            return [.. reached];
        }
    }

    internal void MarkAnswered(string callId) => Waiter(callId).TrySetResult();

    /// <summary>The instance this webhook of the call goes to, recorded as reached.</summary>
    internal Uri Next(string? callId)
    {
        var targets = _targets;
        if (targets.Length == 0)
        {
            throw new InvalidOperationException("A webhook was sent while no server is under test.");
        }
        if (callId is null)
        {
            return targets[(int)((uint)Interlocked.Increment(ref _calls) % targets.Length)];
        }
        var reached = _reached.GetOrAdd(callId, _ => []);
        int instance;
        lock (reached)
        {
            instance = reached.Count == 0
                ? (int)((uint)Interlocked.Increment(ref _calls) % targets.Length)
                : (reached[^1] + 1) % targets.Length;
            reached.Add(instance);
        }
        return targets[instance];
    }

    private TaskCompletionSource Waiter(string callId) =>
        _answered.GetOrAdd(callId, _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));
}

/// <summary>
/// In the emulator's webhook client: sends each webhook to the instance <see cref="WebhookRoutes"/> chooses (keeping its
/// path and query), and tells the dialer when a call's initiate webhook is answered, so the dialer needs no polling that
/// would load the emulator.
/// </summary>
internal sealed class WebhookRouter(WebhookRoutes routes) : DelegatingHandler
{
    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var (callId, parentCallId, eventType) = request.Content is null
            ? (null, null, null)
            : Webhook(await request.Content.ReadAsByteArrayAsync(cancellationToken));
        request.RequestUri = new Uri(routes.Next(parentCallId ?? callId), request.RequestUri!.PathAndQuery);
        try
        {
            return await base.SendAsync(request, cancellationToken);
        }
        finally
        {
            if (callId is not null && eventType == "initiate")
            {
                routes.MarkAnswered(callId);
            }
        }
    }

    /// <summary>
    /// The call id, parent call id and event type of a webhook (Bandwidth's JSON body). A transfer leg's webhooks
    /// (<c>transferAnswer</c>, <c>transferDisconnect</c>) carry the leg's own call id and the dialed-in call's as
    /// <c>parentCallId</c>: they are routed as that call's.
    /// </summary>
    private static (string? CallId, string? ParentCallId, string? EventType) Webhook(byte[] body)
    {
        using var json = JsonDocument.Parse(body);
        var root = json.RootElement;
        string? Text(string name) => root.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
        return (Text("callId"), Text("parentCallId"), Text("eventType"));
    }
}

using HelloWorld.Blazor.Security;

namespace HelloWorld.Blazor.Conference;

/// <summary>What <see cref="PerMinuteLimit.TryAcquire"/> decided; <see cref="RetryAfter"/> is when a refused client may succeed.</summary>
public readonly record struct RateDecision(bool Admitted, TimeSpan RetryAfter, bool RefusedForTheClient);

/// <summary>
/// A limit on what spends money, per client and for everyone together: at most <c>perClient</c> for one client and
/// <c>overall</c> in total in ANY 60 seconds, not merely in each calendar minute. It remembers when each admission
/// happened (a sliding log) and admits a request only while fewer than the limit fall in the 60 seconds before it, so
/// there is no refill all at once: a bucket of 6 refilled every minute lets 6 through just before the refill and 6 just
/// after. The log holds at most the limit's number of entries per client, and clients with none are forgotten.
/// </summary>
public sealed class PerMinuteLimit(TimeProvider timeProvider, int overall, int perClient)
{
    public static readonly TimeSpan Window = TimeSpan.FromMinutes(1);

    private readonly Lock _gate = new();
    private readonly Queue<DateTimeOffset> _everyone = new();
    private readonly Dictionary<ClientAddress, Queue<DateTimeOffset>> _byClient = [];
    private int _forgetAbove = 1024;

    public int Overall { get; } = Math.Max(1, overall);

    public int PerClient { get; } = Math.Max(1, perClient);

    /// <summary>Admits one request for <paramref name="client"/> if both limits allow it, and counts it against both; otherwise counts nothing.</summary>
    public RateDecision TryAcquire(ClientAddress client)
    {
        var now = timeProvider.GetUtcNow();
        lock (_gate)
        {
            Expire(_everyone, now);
            var mine = _byClient.GetValueOrDefault(client);
            if (mine is not null)
            {
                Expire(mine, now);
                if (mine.Count >= PerClient)
                {
                    return new RateDecision(false, mine.Peek() + Window - now, RefusedForTheClient: true);
                }
            }
            if (_everyone.Count >= Overall)
            {
                return new RateDecision(false, _everyone.Peek() + Window - now, RefusedForTheClient: false);
            }
            _everyone.Enqueue(now);
            if (mine is null)
            {
                ForgetIdleClients(now);
                _byClient[client] = mine = new Queue<DateTimeOffset>();
            }
            mine.Enqueue(now);
            return new RateDecision(true, TimeSpan.Zero, RefusedForTheClient: false);
        }
    }

    /// <summary>An admission made at <c>t</c> counts while <c>t</c> lies in the 60 seconds up to now.</summary>
    private static void Expire(Queue<DateTimeOffset> admissions, DateTimeOffset now)
    {
        while (admissions.Count > 0 && admissions.Peek() <= now - Window)
        {
            admissions.Dequeue();
        }
    }

    /// <summary>Amortised: a pass over every client each time their number doubles.</summary>
    private void ForgetIdleClients(DateTimeOffset now)
    {
        if (_byClient.Count <= _forgetAbove)
        {
            return;
        }
        foreach (var (client, admissions) in _byClient.ToArray())
        {
            Expire(admissions, now);
            if (admissions.Count == 0)
            {
                _byClient.Remove(client);
            }
        }
        _forgetAbove = Math.Max(1024, _byClient.Count * 2);
    }
}

using HelloWorld.Blazor.Security;

namespace HelloWorld.Blazor.Conference;

/// <summary>A limit on what spends money, per client and for everyone together, in any 60 seconds (see <see cref="PerMinuteLimit"/>).</summary>
public interface IPerMinuteLimit
{
    int Overall { get; }

    int PerClient { get; }

    /// <summary>Admits one request for <paramref name="client"/> if both limits allow it, and counts it against both; otherwise counts nothing.</summary>
    Task<RateDecision> TryAcquireAsync(ClientAddress client);
}

/// <summary>
/// Where the limits are counted: in this process (<see cref="PerMinuteLimits"/>), or in Redis for every instance
/// together when <c>ConnectionStrings:redis</c> is set, so that two instances do not let twice as much through.
/// </summary>
public interface IRateLimits
{
    /// <summary>The limit called <paramref name="name"/> (one per thing that spends money: placed calls, /connectionInfo participants).</summary>
    IPerMinuteLimit PerMinute(string name, int overall, int perClient);
}

/// <summary>Limits counted in this process.</summary>
public sealed class PerMinuteLimits(TimeProvider timeProvider) : IRateLimits
{
    public IPerMinuteLimit PerMinute(string name, int overall, int perClient) => new PerMinuteLimit(timeProvider, overall, perClient);
}

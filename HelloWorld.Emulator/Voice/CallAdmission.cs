using Microsoft.Extensions.Options;

namespace HelloWorld.Emulator.Voice;

/// <summary>
/// The Voice API's account limits on createCall (Bandwidth's "Rate Limits" page): at most
/// <see cref="EmulatorLimits.CallsPerSecond"/> calls created in any one second, and none while
/// <see cref="EmulatorLimits.ActiveCalls"/> calls are in progress. A refused call is not counted. The window slides on
/// the emulator's clock, so no second ever holds more than the limit, whatever its edges.
/// </summary>
internal sealed class CallAdmission(IOptions<EmulatorOptions> options, TimeProvider clock)
{
    private static readonly TimeSpan Window = TimeSpan.FromSeconds(1);

    private readonly Lock _gate = new();
    private readonly Queue<DateTimeOffset> _created = new();

    /// <summary>
    /// Places a call with <paramref name="place"/> if the limits allow it, counting <paramref name="activeCalls"/> and
    /// placing under one lock, so two requests cannot both take the last place.
    /// </summary>
    public (T? Placed, CallRefusal? Refusal) Admit<T>(Func<int> activeCalls, Func<T> place) where T : class
    {
        var limits = options.Value.Limits;
        lock (_gate)
        {
            var now = clock.GetUtcNow();
            while (_created.Count > 0 && now - _created.Peek() >= Window)
            {
                _created.Dequeue();
            }
            if (activeCalls() >= limits.ActiveCalls)
            {
                // No time frees a place for sure: a call ends when its parties decide. One second, as for the rate.
                return (null, new CallRefusal("Account concurrent call limit exceeded", Window));
            }
            if (_created.Count >= limits.CallsPerSecond)
            {
                return (null, new CallRefusal("Account call creation rate limit exceeded", _created.Peek() + Window - now));
            }
            _created.Enqueue(now);
            return (place(), null);
        }
    }
}

/// <param name="Description">The reason Bandwidth gives in the 429's voiceApiError.</param>
/// <param name="RetryAfter">When a place frees up, as <c>Retry-After</c> says it (whole seconds, at least one).</param>
internal sealed record CallRefusal(string Description, TimeSpan RetryAfter)
{
    public int RetryAfterSeconds => Math.Max(1, (int)Math.Ceiling(RetryAfter.TotalSeconds));
}

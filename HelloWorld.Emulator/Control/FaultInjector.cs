using System.Text.RegularExpressions;

namespace HelloWorld.Emulator.Control;

/// <summary>
/// Makes the emulated APIs misbehave on purpose: the next N matching requests (or a share of them) answer an error
/// status, optionally with <c>Retry-After</c>, or are delayed first. How the app's resilience is tested and measured.
/// </summary>
internal sealed class FaultInjector
{
    private readonly Lock _gate = new();
    private readonly List<ActiveFault> _faults = [];
    private long _nextId;

    public IReadOnlyList<FaultRule> Faults
    {
        get
        {
            lock (_gate)
            {
                return [.. _faults.Select(f => f.Rule with { Remaining = f.Remaining })];
            }
        }
    }

    public FaultRule Add(FaultRule rule)
    {
        var pattern = new Regex(rule.PathPattern, RegexOptions.CultureInvariant, TimeSpan.FromMilliseconds(100));
        lock (_gate)
        {
            var added = rule with { Id = ++_nextId };
            _faults.Add(new ActiveFault(added, pattern, rule.Count));
            return added;
        }
    }

    public void Clear()
    {
        lock (_gate)
        {
            _faults.Clear();
        }
    }

    /// <summary>The fault to apply to this request, if one matches and its count or chance says so.</summary>
    public FaultRule? Match(string method, string path)
    {
        lock (_gate)
        {
            foreach (var fault in _faults)
            {
                if ((fault.Rule.Method is null || fault.Rule.Method.Equals(method, StringComparison.OrdinalIgnoreCase)) &&
                    fault.Pattern.IsMatch(path) &&
                    (fault.Rule.Probability is not { } chance || Random.Shared.NextDouble() < chance))
                {
                    if (fault.Remaining is { } remaining)
                    {
                        if (remaining <= 0)
                        {
                            continue;
                        }
                        fault.Remaining = remaining - 1;
                    }
                    return fault.Rule;
                }
            }
            _faults.RemoveAll(fault => fault.Remaining <= 0);
            return null;
        }
    }

    private sealed class ActiveFault(FaultRule rule, Regex pattern, int? remaining)
    {
        public FaultRule Rule { get; } = rule;
        public Regex Pattern { get; } = pattern;
        public int? Remaining { get; set; } = remaining;
    }
}

/// <param name="PathPattern">A regular expression matched against the request path (e.g. <c>/participants$</c>).</param>
/// <param name="Method">Only this method; <c>null</c> matches any.</param>
/// <param name="Status">The status to answer; <c>null</c> with a <paramref name="DelayMs"/> only delays the real answer.</param>
/// <param name="Count">How many matching requests to affect; <c>null</c> means until cleared.</param>
/// <param name="Probability">The share (0..1) of matching requests to affect; <c>null</c> means all.</param>
internal sealed record FaultRule(
    string PathPattern,
    string? Method = null,
    int? Status = null,
    int? RetryAfterSeconds = null,
    int? DelayMs = null,
    int? Count = null,
    double? Probability = null,
    long Id = 0,
    int? Remaining = null);

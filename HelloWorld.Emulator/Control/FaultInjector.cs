using System.Text.RegularExpressions;
using Microsoft.Extensions.Logging;

namespace HelloWorld.Emulator.Control;

/// <summary>
/// Makes the emulated APIs misbehave on purpose: the next N matching requests (or a share of them) answer an error
/// status, optionally with <c>Retry-After</c>, or are delayed first. How the app's resilience is tested and measured.
/// A rule with a count leaves the list as soon as its count is used up.
/// </summary>
internal sealed partial class FaultInjector(ILogger<FaultInjector> logger)
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromMilliseconds(100);

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
        var pattern = new Regex(rule.PathPattern, RegexOptions.CultureInvariant, MatchTimeout);
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
            for (var i = 0; i < _faults.Count; i++)
            {
                var fault = _faults[i];
                if ((fault.Rule.Method is not null && !fault.Rule.Method.Equals(method, StringComparison.OrdinalIgnoreCase)) ||
                    !Matches(fault, path) ||
                    (fault.Rule.Probability is { } chance && Random.Shared.NextDouble() >= chance))
                {
                    continue;
                }
                if (fault.Remaining is { } remaining)
                {
                    fault.Remaining = remaining - 1;
                    if (fault.Remaining <= 0)
                    {
                        _faults.RemoveAt(i);
                    }
                }
                return fault.Rule;
            }
            return null;
        }
    }

    /// <summary>
    /// A pattern that backtracks past its time limit does not match: the request it was tested on is a real API call,
    /// which must not fail because of a test's rule.
    /// </summary>
    private bool Matches(ActiveFault fault, string path)
    {
        try
        {
            return fault.Pattern.IsMatch(path);
        }
        catch (RegexMatchTimeoutException)
        {
            Log.PatternTimedOut(logger, fault.Rule.Id, fault.Rule.PathPattern, MatchTimeout.TotalMilliseconds);
            return false;
        }
    }

    private sealed class ActiveFault(FaultRule rule, Regex pattern, int? remaining)
    {
        public FaultRule Rule { get; } = rule;
        public Regex Pattern { get; } = pattern;
        public int? Remaining { get; set; } = remaining;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9110, Level = LogLevel.Warning,
            Message = "Fault rule {Id}: pathPattern {PathPattern} took longer than {TimeoutMs} ms to match a request path, so the rule was skipped for it")]
        public static partial void PatternTimedOut(ILogger logger, long id, string pathPattern, double timeoutMs);
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

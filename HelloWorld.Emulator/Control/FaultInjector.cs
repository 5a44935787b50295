namespace HelloWorld.Emulator.Control;

/// <summary>
/// Makes the emulated account misbehave on purpose. An <c>api</c> rule makes the next N matching requests to the emulated
/// APIs (or a share of them) answer an error status, optionally with <c>Retry-After</c>, or be delayed first. A
/// <c>transfer</c> rule makes the next N BXML transfers into WebRTC fail with a cause, or be answered late. How the app's
/// resilience is tested and measured. A rule with a count leaves the list as soon as its count is used up.
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

    /// <summary>Keeps <paramref name="rule"/> (checked by <see cref="FaultRule.Problem"/>) with an id.</summary>
    public FaultRule Add(FaultRule rule)
    {
        var pattern = rule.IsTransfer ? null : PathPattern.Parse(rule.PathPattern).Pattern
            ?? throw new ArgumentException($"Not a path pattern: {rule.PathPattern}", nameof(rule));
        lock (_gate)
        {
            var added = rule with { Id = ++_nextId, Kind = rule.IsTransfer ? FaultRule.TransferKind : FaultRule.ApiKind };
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

    /// <summary>The <c>api</c> fault to apply to this request, if one matches and its count or chance says so.</summary>
    public FaultRule? Match(string method, string path) => Take(fault =>
        fault.Pattern is { } pattern &&
        (fault.Rule.Method is null || fault.Rule.Method.Equals(method, StringComparison.OrdinalIgnoreCase)) &&
        pattern.IsMatch(path));

    /// <summary>The <c>transfer</c> fault to apply to a transfer into WebRTC, if one's count or chance says so.</summary>
    public FaultRule? MatchTransfer() => Take(fault => fault.Rule.IsTransfer);

    private FaultRule? Take(Func<ActiveFault, bool> applies)
    {
        lock (_gate)
        {
            for (var i = 0; i < _faults.Count; i++)
            {
                var fault = _faults[i];
                if (!applies(fault) || (fault.Rule.Probability is { } chance && Random.Shared.NextDouble() >= chance))
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

    private sealed class ActiveFault(FaultRule rule, PathPattern? pattern, int? remaining)
    {
        public FaultRule Rule { get; } = rule;
        public PathPattern? Pattern { get; } = pattern;
        public int? Remaining { get; set; } = remaining;
    }
}

/// <param name="Kind"><c>api</c> (the default): requests to the emulated APIs; <c>transfer</c>: BXML transfers into WebRTC.</param>
/// <param name="PathPattern">An <c>api</c> rule's paths: a prefix or a glob (<see cref="Control.PathPattern"/>).</param>
/// <param name="Method">Only this method; <c>null</c> matches any.</param>
/// <param name="Status">The status to answer; <c>null</c> with a <paramref name="DelayMs"/> only delays the real answer.</param>
/// <param name="DelayMs">Waits this long first: before the answer of a request, or before a transfer answers or fails.</param>
/// <param name="Cause">A <c>transfer</c> rule's failure, as Bandwidth reports it in transferComplete (<c>error</c>, <c>account-limit</c>...).</param>
/// <param name="Count">How many matching requests or transfers to affect; <c>null</c> means until cleared.</param>
/// <param name="Probability">The share (0..1) of matching requests or transfers to affect; <c>null</c> means all.</param>
internal sealed record FaultRule(
    string? PathPattern = null,
    string? Method = null,
    int? Status = null,
    int? RetryAfterSeconds = null,
    int? DelayMs = null,
    int? Count = null,
    double? Probability = null,
    string? Kind = null,
    string? Cause = null,
    string? ErrorMessage = null,
    long Id = 0,
    int? Remaining = null)
{
    public const string ApiKind = "api";
    public const string TransferKind = "transfer";

    [System.Text.Json.Serialization.JsonIgnore]
    public bool IsTransfer => Kind == TransferKind;

    /// <summary>Why the rule makes no sense, or <c>null</c>: a message for whoever wrote it.</summary>
    public string? Problem()
    {
        if (Kind is not (null or ApiKind or TransferKind))
        {
            return $"kind is {ApiKind} (the default) or {TransferKind}, not '{Kind}'.";
        }
        if (Probability is < 0 or > 1 || Count is < 1 || DelayMs is < 0 or > 600_000)
        {
            return "probability is 0..1, count at least 1, delayMs 0..600000.";
        }
        if (IsTransfer)
        {
            return PathPattern is not null || Method is not null || Status is not null || RetryAfterSeconds is not null
                ? "A transfer rule has no pathPattern, method, status or retryAfterSeconds: give a cause, a delayMs, or both."
                : Cause is null && DelayMs is null ? "A transfer rule needs a cause to fail with (e.g. \"error\"), a delayMs, or both."
                : Cause is { Length: 0 or > 64 } || ErrorMessage is { Length: > 1024 } ? "cause is 1..64 characters, errorMessage at most 1024."
                : null;
        }
        if (Cause is not null || ErrorMessage is not null)
        {
            return "cause and errorMessage belong to transfer rules (\"kind\": \"transfer\").";
        }
        if (Control.PathPattern.Parse(PathPattern).Problem is { } pathProblem)
        {
            return pathProblem;
        }
        return Status is null && DelayMs is null ? "A fault needs a status to answer, a delayMs, or both."
            : Status is < 100 or > 599 ? "status must be a valid HTTP status (100..599)."
            : null;
    }
}

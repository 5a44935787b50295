namespace HelloWorld.Blazor.Tests.TestDoubles;

/// <summary>
/// Stops a fake's operation where it stands until the test releases it, so a test can order events across threads
/// (a webhook arriving in the middle of a join, say) without sleeping and hoping.
/// </summary>
public sealed class Gate
{
    private readonly TaskCompletionSource<string> _entered = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _released = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <summary>Completes when the operation reaches the gate, with what the fake knows at that point (an id).</summary>
    public Task<string> Entered => _entered.Task;

    public void Release() => _released.TrySetResult();

    /// <summary>Called by the fake: reports arrival, then waits for <see cref="Release"/>.</summary>
    internal Task PassAsync(string detail, CancellationToken cancellationToken)
    {
        _entered.TrySetResult(detail);
        return _released.Task.WaitAsync(cancellationToken);
    }
}

namespace LoadTest;

/// <summary>Processes started in a run, however many: all stopped at dispose, the last started first, failure or not.</summary>
internal sealed class Owned : IAsyncDisposable
{
    private readonly Stack<IAsyncDisposable> _owned = new();

    public T Add<T>(T owned) where T : IAsyncDisposable
    {
        _owned.Push(owned);
        return owned;
    }

    public async ValueTask DisposeAsync()
    {
        while (_owned.TryPop(out var owned))
        {
            await owned.DisposeAsync();
        }
    }
}

namespace HelloWorld.Blazor.Conference;

/// <summary>A place under the cap on active calls, held for a call until it is registered (<see cref="ICallStore.TryReserveAsync"/>).</summary>
public sealed class CallReservation : IDisposable
{
    private readonly Action<CallReservation> _release;
    private int _spent;

    /// <param name="release">Gives the place back; called at most once, and only if the call was not registered in it.</param>
    internal CallReservation(string id, Action<CallReservation> release)
    {
        Id = id;
        _release = release;
    }

    /// <summary>Names the place where it is kept (a Redis member), unique per reservation.</summary>
    public string Id { get; }

    /// <summary>Gives the place back, unless the call was registered in it.</summary>
    public void Dispose()
    {
        if (Spend())
        {
            _release(this);
        }
    }

    /// <summary><c>true</c> the first time only: whoever spends the reservation (a registration, a release) accounts for its place.</summary>
    internal bool Spend() => Interlocked.Exchange(ref _spent, 1) == 0;
}

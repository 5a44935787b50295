namespace HelloWorld.Blazor.Conference;

/// <summary>A place under the cap on active calls, held for a call until it is registered (<see cref="CallRegistry.TryReserve"/>).</summary>
public sealed class CallReservation : IDisposable
{
    private readonly CallRegistry _registry;
    private bool _spent;

    internal CallReservation(CallRegistry registry) => _registry = registry;

    /// <summary>Gives the place back, unless the call was registered in it.</summary>
    public void Dispose() => _registry.Release(this);

    /// <summary>Called under the registry's lock: <c>true</c> the first time only.</summary>
    internal bool Spend()
    {
        if (_spent)
        {
            return false;
        }
        _spent = true;
        return true;
    }
}

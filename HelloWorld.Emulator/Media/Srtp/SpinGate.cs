using System.Runtime.CompilerServices;

namespace HelloWorld.Emulator.Media.Srtp;

/// <summary>
/// Mutual exclusion for an SRTP context's microsecond of work per packet, held in the context itself: entering is one
/// compare-and-swap on this field and leaving one store, both compiled into the caller, with no call out of it. A
/// <see cref="Lock"/> does the same in the runtime library's code, and for a packet that arrives after milliseconds of
/// other work every page of code outside the packet's own is one more to fetch from memory (bench/README.md). Waiting is
/// rare (a context is disposed while a packet is in it, or two threads send at once) and spins, then yields the core.
/// Not reentrant. Keep it in a field, never copy it.
/// </summary>
internal struct SpinGate
{
    private int _taken;

    public void Enter()
    {
        if (Interlocked.CompareExchange(ref _taken, 1, 0) != 0)
        {
            EnterContended();
        }
    }

    public void Exit() => Volatile.Write(ref _taken, 0);

    [MethodImpl(MethodImplOptions.NoInlining)]
    private void EnterContended()
    {
        var spinner = new SpinWait();
        while (Interlocked.CompareExchange(ref _taken, 1, 0) != 0)
        {
            spinner.SpinOnce();
        }
    }
}

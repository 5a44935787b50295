using System.Diagnostics;

namespace HelloWorld.Emulator.Media.Transport;

/// <summary>
/// What the media socket's receive thread spends on each datagram by its own code, apart from the kernel's: the time
/// from <c>ReceiveFrom</c> returning to the datagram handled (demultiplexing, SRTP, the relay's copies), minus the time
/// inside every <c>SendTo</c> it made meanwhile. Used by the relay benchmark (bench/RelayBench), which attaches one to
/// <see cref="MediaServer.Meter"/>; without one the packet path pays a null check. Written only by the receive thread,
/// read once the run is over. Fixed capacity: nothing is allocated while it records, and datagrams past it are not counted.
/// </summary>
internal sealed class ReceiveThreadMeter(int datagrams, int sends)
{
    private readonly long[] _workTicks = new long[datagrams];
    private readonly int[] _sends = new int[datagrams];
    private readonly long[] _hopTicks = new long[sends];
    private int _datagrams;
    private int _hops;
    private long _receivedAt;
    private long _sendTicks;
    private int _sendCount;

    /// <summary>Datagrams recorded.</summary>
    public int Count => _datagrams;

    internal void Received(long receivedAt)
    {
        _receivedAt = receivedAt;
        _sendTicks = 0;
        _sendCount = 0;
    }

    internal void Sent(long before, long after)
    {
        _sendTicks += after - before;
        _sendCount++;
        if (_hops < _hopTicks.Length)
        {
            _hopTicks[_hops++] = after - _receivedAt;
        }
    }

    internal void Handled(long handledAt)
    {
        if (_datagrams < _workTicks.Length)
        {
            _workTicks[_datagrams] = handledAt - _receivedAt - _sendTicks;
            _sends[_datagrams++] = _sendCount;
        }
    }

    /// <summary>Each recorded datagram's own work in microseconds, and how many datagrams it sent.</summary>
    public IEnumerable<(double Microseconds, int Sends)> Datagrams() =>
        Enumerable.Range(0, _datagrams).Select(i => (Microseconds(_workTicks[i]), _sends[i]));

    /// <summary>For each datagram sent, microseconds from <c>ReceiveFrom</c> returning to its <c>SendTo</c> returning.</summary>
    public IEnumerable<double> Hops() => _hopTicks.Take(_hops).Select(Microseconds);

    private static double Microseconds(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;
}

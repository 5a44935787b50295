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
    // One record a datagram, written in order, so that the probe itself touches as little memory as it can: measured by
    // the floor forwarder, which drives the same probe around no work of its own.
    private readonly Record[] _datagrams = new Record[datagrams];
    private readonly long[] _hopTicks = new long[sends];
    private int _count;
    private int _hops;
    private long _receivedAt;
    private long _sendTicks;
    private int _sendCount;

    /// <summary>Datagrams recorded.</summary>
    public int Count => _count;

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
        if (_count < _datagrams.Length)
        {
            _datagrams[_count++] = new Record(handledAt - _receivedAt - _sendTicks, _sendCount);
        }
    }

    /// <summary>Each recorded datagram's own work in microseconds, and how many datagrams it sent.</summary>
    public IEnumerable<(double Microseconds, int Sends)> Datagrams() =>
        _datagrams.Take(_count).Select(record => (Microseconds(record.WorkTicks), record.Sends));

    /// <summary>For each datagram sent, microseconds from <c>ReceiveFrom</c> returning to its <c>SendTo</c> returning.</summary>
    public IEnumerable<double> Hops() => _hopTicks.Take(_hops).Select(Microseconds);

    private static double Microseconds(long ticks) => ticks * 1_000_000.0 / Stopwatch.Frequency;

    private readonly record struct Record(long WorkTicks, int Sends);
}

using System.Collections.Concurrent;
using Org.BouncyCastle.Tls;

namespace HelloWorld.Emulator.Media.Dtls;

/// <summary>
/// BouncyCastle's view of one connection's DTLS records: the UDP demultiplexer enqueues them, sends go back to the
/// browser's ICE address. Receive must return -1 on a timeout (BouncyCastle retransmits then) and throw once closed,
/// or the handshake thread would spin. Once closed it sends nothing either: BouncyCastle answers a failed receive with
/// an alert, and an alert from a handshake the emulator abandoned would end the browser's association.
/// </summary>
internal sealed class DatagramQueue(Action<ReadOnlySpan<byte>> send) : DatagramTransport
{
    public const int Mtu = 1200;

    private readonly BlockingCollection<byte[]> _received = new(boundedCapacity: 64);

    public void Enqueue(ReadOnlySpan<byte> record)
    {
        if (!_received.IsAddingCompleted)
        {
            _received.TryAdd(record.ToArray());
        }
    }

    public int GetReceiveLimit() => 1500;

    public int GetSendLimit() => Mtu;

    public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

    public int Receive(Span<byte> buffer, int waitMillis)
    {
        if (!_received.TryTake(out var record, waitMillis))
        {
            return _received.IsAddingCompleted ? throw new ObjectDisposedException(nameof(DatagramQueue)) : -1;
        }
        var length = Math.Min(record.Length, buffer.Length);
        record.AsSpan(0, length).CopyTo(buffer);
        return length;
    }

    public bool IsClosed => _received.IsAddingCompleted;

    public void Send(byte[] buf, int off, int len) => Send(buf.AsSpan(off, len));

    public void Send(ReadOnlySpan<byte> buffer)
    {
        if (!IsClosed)
        {
            send(buffer);
        }
    }

    public void Close() => _received.CompleteAdding();
}

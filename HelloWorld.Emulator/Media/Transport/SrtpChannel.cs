using System.Net;
using HelloWorld.Emulator.Media.Dtls;
using HelloWorld.Emulator.Media.Srtp;

namespace HelloWorld.Emulator.Media.Transport;

/// <summary>
/// The SRTP half of a media connection: the context each way that the DTLS keys made. Packets come in on the socket's
/// receive thread and go out from the relay's thread and phones' timers at once, so the two directions are guarded
/// apart: receiving takes no lock of its own, sending one.
/// </summary>
internal sealed class SrtpChannel(MediaServer server)
{
    // Where packets are protected before they go: one per thread, not per connection, for the reason AesCounterMode
    // gives. Room for the largest packet the relay forwards plus the SRTCP index and the tag.
    [ThreadStatic]
    private static byte[]? t_sendBuffer;

    private readonly Lock _sendGate = new();
    private volatile SrtpContext? _inbound;
    private SrtpContext? _outbound;

    /// <summary>Packets that arrived before the keys did, or failed to authenticate: a measure of trouble.</summary>
    public long DroppedPackets;

    public bool HasKeys
    {
        get
        {
            lock (_sendGate)
            {
                return _outbound is not null;
            }
        }
    }

    /// <summary>Starts SRTP both ways; the DTLS client (<paramref name="asDtlsClient"/>) sends with the client half of the keys.</summary>
    public void Start(SrtpKeyingMaterial keys, bool asDtlsClient)
    {
        var (send, receive) = asDtlsClient
            ? ((keys.ClientKey, keys.ClientSalt), (keys.ServerKey, keys.ServerSalt))
            : ((keys.ServerKey, keys.ServerSalt), (keys.ClientKey, keys.ClientSalt));
        lock (_sendGate)
        {
            _outbound = new SrtpContext(send.Item1, send.Item2);
        }
        _inbound = new SrtpContext(receive.Item1, receive.Item2);
    }

    /// <summary>Forgets the keys: nothing is sent, and everything received is dropped, until the next <see cref="Start"/>.</summary>
    public void Stop()
    {
        lock (_sendGate)
        {
            _outbound?.Dispose();
            _outbound = null;
        }
        // The receive thread may be unprotecting with it right now: SrtpContext makes a disposed context refuse packets.
        _inbound?.Dispose();
        _inbound = null;
    }

    /// <summary>
    /// Checks and decrypts <paramref name="packet"/> in place (the socket's receive buffer); returns the plain length,
    /// or -1 when the packet is dropped (no keys yet, forged, replayed, malformed).
    /// </summary>
    public int Unprotect(Span<byte> packet, bool rtcp)
    {
        var inbound = _inbound;
        var length = inbound is null ? -1 : rtcp ? inbound.UnprotectRtcp(packet, packet.Length) : inbound.UnprotectRtp(packet, packet.Length);
        if (length < 0)
        {
            Interlocked.Increment(ref DroppedPackets);
        }
        return length;
    }

    /// <summary>Protects a plain RTP or RTCP packet and sends it to <paramref name="remote"/>; false without keys or an address.</summary>
    public bool TrySend(ReadOnlySpan<byte> packet, bool rtcp, SocketAddress? remote)
    {
        lock (_sendGate)
        {
            var outbound = _outbound;
            var buffer = t_sendBuffer ??= new byte[2048];
            if (outbound is null || remote is null || packet.Length + SrtpContext.SrtcpIndexLength + SrtpContext.AuthTagLength > buffer.Length)
            {
                return false;
            }
            packet.CopyTo(buffer);
            var length = rtcp ? outbound.ProtectRtcp(buffer, packet.Length) : outbound.ProtectRtp(buffer, packet.Length);
            return length > 0 && server.SendTo(buffer.AsSpan(0, length), remote);
        }
    }
}

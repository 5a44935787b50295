using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace HelloWorld.Emulator.Media.Dtls;

/// <summary>
/// One DTLS-SRTP handshake with a browser, in the emulator's role, over the records a <see cref="DatagramQueue"/> hands
/// it. Blocking (BouncyCastle's DTLS is): it runs on a thread of its own, and only while the handshake lasts.
/// </summary>
internal static class DtlsHandshake
{
    /// <summary>
    /// How long the DTLS server keeps answering after its handshake: if its final flight (ChangeCipherSpec, Finished) is
    /// lost, the browser retransmits its own flight (Chromium from 50 ms on, doubling) and needs ours again to finish.
    /// The browser's first application data (SCTP for its data channels) proves it has our flight and ends the wait.
    /// </summary>
    internal static readonly TimeSpan FinalFlightRetransmitWindow = TimeSpan.FromSeconds(8);

    /// <summary>
    /// Handshakes as DTLS server (<paramref name="asServer"/>, the browser publishes) or client; returns the SRTP keying
    /// material, and for the server the finished transport, to keep answering on with <see cref="AnswerRetransmittedFinalFlight"/>.
    /// </summary>
    /// <exception cref="TlsException">The browser's certificate does not match <paramref name="fingerprint"/>, or the handshake failed.</exception>
    public static (SrtpKeyingMaterial? Keys, DtlsTransport? ServerTransport) Run(
        bool asServer, DtlsCertificate certificate, SecureRandom random, string? fingerprint, DatagramQueue queue)
    {
        var crypto = new BcTlsCrypto(random);
        if (asServer)
        {
            var server = new DtlsSrtpServer(crypto, certificate, fingerprint);
            var transport = new DtlsServerProtocol().Accept(server, queue);
            return (server.Keys, transport);
        }
        var client = new DtlsSrtpClient(crypto, certificate, fingerprint);
        new DtlsClientProtocol().Connect(client, queue);
        return (client.Keys, null);
    }

    /// <summary>
    /// Reads on the finished server transport for a while: BouncyCastle answers a retransmitted client flight by
    /// retransmitting its final flight, but only from inside a receive. The transport is abandoned afterwards, never
    /// closed: closing would send close_notify and end the browser's association.
    /// </summary>
    public static void AnswerRetransmittedFinalFlight(DtlsTransport transport, DatagramQueue queue)
    {
        var buffer = new byte[Math.Max(1, transport.GetReceiveLimit())];
        var deadline = Environment.TickCount64 + (long)FinalFlightRetransmitWindow.TotalMilliseconds;
        try
        {
            for (var remaining = deadline - Environment.TickCount64; remaining > 0 && !queue.IsClosed; remaining = deadline - Environment.TickCount64)
            {
                if (transport.Receive(buffer, 0, buffer.Length, (int)remaining) >= 0)
                {
                    return; // application data: the browser has our final flight
                }
            }
        }
        catch (Exception exception) when (exception is TlsException or IOException or ObjectDisposedException)
        {
            // The connection closed or lost consent meanwhile, or the browser sent an alert: its keys are already in use.
        }
    }
}

using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using HelloWorld.Emulator.Media;
using HelloWorld.Emulator.Media.Dtls;
using HelloWorld.Emulator.Media.Ice;
using HelloWorld.Emulator.Media.Srtp;
using HelloWorld.Emulator.Media.Transport;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace RelayBench;

/// <summary>
/// One end of a WebRTC connection as a browser plays it against the emulator's media server, over real loopback UDP:
/// an ICE check, the DTLS handshake in the browser's role, then SRTP.
/// </summary>
internal sealed class FakeBrowser : IDisposable
{
    private static readonly SecureRandom Random = new();
    private readonly UdpClient _socket = new(new IPEndPoint(IPAddress.Loopback, 0));
    private readonly DtlsCertificate _certificate = DtlsCertificate.Create(Random);
    private SrtpContext? _send;
    private SrtpContext? _receive;

    public string Ufrag { get; } = RandomNumberGenerator.GetString("abcdefghijklmnopqrstuvwxyz", 4);

    public string Fingerprint => _certificate.Fingerprint;

    /// <summary>Checks connectivity, then handshakes: as DTLS client to a publish connection, as DTLS server to a subscribe one.</summary>
    public async Task ConnectAsync(IMediaServer server, IMediaConnection connection, MediaConnectionRole role)
    {
        var check = StunMessage.WriteBindingRequest($"{connection.LocalIceUfrag}:{Ufrag}", connection.LocalIcePassword, useCandidate: true);
        await _socket.SendAsync(check, server.CandidateEndPoint);
        await _socket.ReceiveAsync(); // the check's answer
        var transport = new UdpTransport(_socket, server.CandidateEndPoint);
        var crypto = new BcTlsCrypto(Random);
        SrtpKeyingMaterial keys;
        if (role == MediaConnectionRole.Publish)
        {
            var client = new DtlsSrtpClient(crypto, _certificate, server.CertificateFingerprint);
            await Task.Run(() => new DtlsClientProtocol().Connect(client, transport));
            keys = client.Keys!;
            (_send, _receive) = (new SrtpContext(keys.ClientKey, keys.ClientSalt), new SrtpContext(keys.ServerKey, keys.ServerSalt));
        }
        else
        {
            var dtlsServer = new DtlsSrtpServer(crypto, _certificate, server.CertificateFingerprint);
            await Task.Run(() => new DtlsServerProtocol().Accept(dtlsServer, transport));
            keys = dtlsServer.Keys!;
            (_send, _receive) = (new SrtpContext(keys.ServerKey, keys.ServerSalt), new SrtpContext(keys.ClientKey, keys.ClientSalt));
        }
    }

    public void Send(byte[] rtp, int length, IPEndPoint server)
    {
        var buffer = new byte[length + SrtpContext.AuthTagLength];
        rtp.AsSpan(0, length).CopyTo(buffer);
        var protectedLength = _send!.ProtectRtp(buffer, length);
        _socket.Send(buffer, protectedLength, server);
    }

    /// <summary>The next RTP packet, decrypted; the socket's receive timestamp is taken before decryption.</summary>
    public async Task<(byte[] Packet, long ReceivedAt)> ReceiveAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            var datagram = await _socket.ReceiveAsync(cancellationToken);
            var at = System.Diagnostics.Stopwatch.GetTimestamp();
            if (datagram.Buffer.Length < 2 || datagram.Buffer[0] < 128 || MediaConnection.IsRtcp(datagram.Buffer))
            {
                continue; // DTLS retransmissions, RTCP
            }
            var length = _receive!.UnprotectRtp(datagram.Buffer, datagram.Buffer.Length);
            if (length > 0)
            {
                return (datagram.Buffer[..length], at);
            }
        }
    }

    public void Dispose() => _socket.Dispose();


    /// <summary>DTLS records over the browser's UDP socket, during the handshake only.</summary>
    private sealed class UdpTransport(UdpClient socket, IPEndPoint server) : DatagramTransport
    {
        public int GetReceiveLimit() => 1500;

        public int GetSendLimit() => 1200;

        public int Receive(byte[] buf, int off, int len, int waitMillis) => Receive(buf.AsSpan(off, len), waitMillis);

        public int Receive(Span<byte> buffer, int waitMillis)
        {
            socket.Client.ReceiveTimeout = Math.Max(1, waitMillis);
            try
            {
                var from = new IPEndPoint(IPAddress.Any, 0);
                var datagram = socket.Receive(ref from);
                var length = Math.Min(datagram.Length, buffer.Length);
                datagram.AsSpan(0, length).CopyTo(buffer);
                return length;
            }
            catch (SocketException exception) when (exception.SocketErrorCode == SocketError.TimedOut)
            {
                return -1;
            }
        }

        public void Send(byte[] buf, int off, int len) => socket.Send(buf.AsSpan(off, len), server);

        public void Send(ReadOnlySpan<byte> buffer) => socket.Send(buffer, server);

        public void Close()
        {
        }
    }
}

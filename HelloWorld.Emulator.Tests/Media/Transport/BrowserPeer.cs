using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography;
using System.Threading.Channels;
using HelloWorld.Emulator.Media.Dtls;
using HelloWorld.Emulator.Media.Ice;
using HelloWorld.Emulator.Media.Srtp;
using Org.BouncyCastle.Security;
using Org.BouncyCastle.Tls;
using Org.BouncyCastle.Tls.Crypto.Impl.BC;

namespace HelloWorld.Emulator.Tests.Media.Transport;

/// <summary>
/// A browser's end of one peer connection, over real loopback UDP, as the emulator's media server meets it: ICE checks
/// (USE-CANDIDATE, as Chromium nominates), DTLS in either role with a certificate of its own, then SRTP. Like Chromium it
/// keeps its DTLS association and SRTP keys across an ICE restart. It can move to another address, and lose records.
/// </summary>
internal sealed class BrowserPeer : IAsyncDisposable
{
    private const string IceCharacters = "abcdefghijklmnopqrstuvwxyz0123456789";
    private static readonly SecureRandom Random = new();

    private readonly IPEndPoint _emulator;
    private readonly DtlsCertificate _certificate = DtlsCertificate.Create(Random);
    private readonly Channel<byte[]> _stunResponses = Channel.CreateUnbounded<byte[]>();
    private readonly Channel<byte[]> _media = Channel.CreateUnbounded<byte[]>();
    private UdpClient _socket;
    private volatile DatagramQueue? _dtls;
    private SrtpContext? _send;
    private SrtpContext? _receive;

    public BrowserPeer(IPEndPoint emulator)
    {
        _emulator = emulator;
        _socket = Open();
    }

    public string Ufrag { get; private set; } = RandomNumberGenerator.GetString(IceCharacters, 4);

    public string Password { get; private set; } = RandomNumberGenerator.GetString(IceCharacters, 24);

    /// <summary>As SDP writes it: <c>AB:CD:...</c>.</summary>
    public string Fingerprint => _certificate.Fingerprint;

    public bool HasKeys => _send is not null;

    /// <summary>DTLS records from the emulator for which this returns true are lost on the way.</summary>
    public Func<byte[], bool>? LoseFromEmulator { get; set; }

    /// <summary>New ICE credentials; the DTLS association and SRTP keys are kept, as Chromium keeps them.</summary>
    public void RestartIce()
    {
        Ufrag = RandomNumberGenerator.GetString(IceCharacters, 4);
        Password = RandomNumberGenerator.GetString(IceCharacters, 24);
    }

    /// <summary>Continues from a new address (a network change); whatever reaches the old one is lost.</summary>
    public void Move()
    {
        var old = _socket;
        _socket = Open();
        old.Dispose();
    }

    /// <summary>Sends a nominating check until the emulator answers it (a few tries); false when it never does.</summary>
    public async Task<bool> CheckAsync(string emulatorUfrag, string emulatorPassword)
    {
        for (var attempt = 0; attempt < 5; attempt++)
        {
            await _socket.SendAsync(StunMessage.WriteBindingRequest($"{emulatorUfrag}:{Ufrag}", emulatorPassword, useCandidate: true), _emulator);
            using var timeout = new CancellationTokenSource(TimeSpan.FromMilliseconds(400));
            try
            {
                while (true)
                {
                    var response = await _stunResponses.Reader.ReadAsync(timeout.Token);
                    if (StunMessage.IsAuthentic(response, emulatorPassword))
                    {
                        return true;
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
        }
        return false;
    }

    /// <summary>Handshakes as DTLS client, the browser's role on a publishing connection (the emulator answered passive).</summary>
    public Task ConnectAsDtlsClientAsync(string emulatorFingerprint) => HandshakeAsync(queue =>
    {
        var client = new DtlsSrtpClient(new BcTlsCrypto(Random), _certificate, emulatorFingerprint);
        new DtlsClientProtocol().Connect(client, queue);
        var keys = client.Keys!;
        return (new SrtpContext(keys.ClientKey, keys.ClientSalt), new SrtpContext(keys.ServerKey, keys.ServerSalt));
    });

    /// <summary>Handshakes as DTLS server, the browser's role on a receiving connection (the SDK answers passive).</summary>
    public Task AcceptAsDtlsServerAsync(string emulatorFingerprint) => HandshakeAsync(queue =>
    {
        var server = new DtlsSrtpServer(new BcTlsCrypto(Random), _certificate, emulatorFingerprint);
        new DtlsServerProtocol().Accept(server, queue);
        var keys = server.Keys!;
        return (new SrtpContext(keys.ServerKey, keys.ServerSalt), new SrtpContext(keys.ClientKey, keys.ClientSalt));
    });

    public void SendRtp(ReadOnlySpan<byte> plain)
    {
        var buffer = new byte[plain.Length + SrtpContext.AuthTagLength];
        plain.CopyTo(buffer);
        var length = _send!.ProtectRtp(buffer, plain.Length);
        _socket.Send(buffer, length, _emulator);
    }

    /// <summary>The next RTP packet from the emulator that decrypts with this peer's keys, or null when none comes in time.</summary>
    public async Task<byte[]?> ReceiveRtpAsync(TimeSpan wait)
    {
        using var timeout = new CancellationTokenSource(wait);
        try
        {
            while (true)
            {
                var packet = await _media.Reader.ReadAsync(timeout.Token);
                var receive = _receive;
                if (receive is null || Emulator.Media.Transport.MediaConnection.IsRtcp(packet))
                {
                    continue;
                }
                var length = receive.UnprotectRtp(packet, packet.Length);
                if (length > 0)
                {
                    return packet[..length];
                }
            }
        }
        catch (OperationCanceledException)
        {
            return null;
        }
    }

    /// <summary>Forgets what arrived so far, so that what is received next was sent after now.</summary>
    public void DiscardReceived()
    {
        while (_media.Reader.TryRead(out _))
        {
        }
    }

    public ValueTask DisposeAsync()
    {
        _dtls?.Close();
        _socket.Dispose();
        _send?.Dispose();
        _receive?.Dispose();
        return ValueTask.CompletedTask;
    }

    private async Task HandshakeAsync(Func<DatagramQueue, (SrtpContext Send, SrtpContext Receive)> handshake)
    {
        var queue = new DatagramQueue(record => _socket.Send(record, _emulator));
        _dtls = queue;
        try
        {
            (_send, _receive) = await Task.Run(() => handshake(queue));
        }
        finally
        {
            queue.Close();
        }
    }

    private UdpClient Open()
    {
        var socket = new UdpClient(new IPEndPoint(IPAddress.Loopback, 0));
        _ = ReadAsync(socket);
        return socket;
    }

    private async Task ReadAsync(UdpClient socket)
    {
        try
        {
            while (true)
            {
                var datagram = (await socket.ReceiveAsync()).Buffer;
                switch (datagram.Length > 0 ? datagram[0] : -1)
                {
                    case >= 0 and <= 3:
                        await _stunResponses.Writer.WriteAsync(datagram);
                        break;
                    case >= 20 and <= 63:
                        if (LoseFromEmulator?.Invoke(datagram) != true)
                        {
                            _dtls?.Enqueue(datagram);
                        }
                        break;
                    case >= 128 and <= 191:
                        await _media.Writer.WriteAsync(datagram);
                        break;
                }
            }
        }
        catch (Exception exception) when (exception is ObjectDisposedException or SocketException)
        {
            // Moved away or disposed.
        }
    }

}

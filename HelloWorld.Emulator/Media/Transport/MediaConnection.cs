using System.Net;
using System.Security.Cryptography;
using HelloWorld.Emulator.Media.Dtls;
using Microsoft.Extensions.Logging;
using Org.BouncyCastle.Tls;

namespace HelloWorld.Emulator.Media.Transport;

/// <summary>
/// One browser peer connection on the shared UDP socket: ICE-lite consent and the browser's address, when to run the
/// DTLS handshake (<see cref="DtlsHandshake"/>) that yields the SRTP keys, and SRTP both ways (<see cref="SrtpChannel"/>).
/// Everything happens on the socket's receive thread except the handshake, which runs on a thread of its own only while
/// it lasts (as DTLS server, a few seconds more to answer a retransmitted final flight); an idle connection costs no thread.
/// </summary>
internal sealed partial class MediaConnection : IMediaConnection
{
    private const string IceCharacters = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

    private readonly MediaServer _server;
    private readonly ILogger _logger;
    private readonly Lock _gate = new();
    private readonly SrtpChannel _srtp;
    private volatile SocketAddress? _remote;
    private DatagramQueue? _dtls;
    private long _lastConsent;

    /// <param name="createdAt">Consent is counted from here until the first check, so a connection never checked is reaped.</param>
    public MediaConnection(
        MediaServer server, MediaConnectionRole role, string? remoteIceUfrag, string? remoteFingerprint, long createdAt, ILogger logger)
    {
        _server = server;
        _logger = logger;
        _srtp = new SrtpChannel(server);
        Role = role;
        RemoteIceUfrag = remoteIceUfrag;
        RemoteFingerprint = remoteFingerprint;
        LocalIceUfrag = RandomNumberGenerator.GetString(IceCharacters, 8);
        LocalIcePassword = RandomNumberGenerator.GetString(IceCharacters, 24);
        _lastConsent = createdAt;
    }

    public MediaConnectionRole Role { get; }

    public string LocalIceUfrag { get; private set; }

    public string LocalIcePassword { get; private set; }

    public string? RemoteIceUfrag { get; private set; }

    public string? RemoteFingerprint { get; private set; }

    public MediaConnectionState State { get; private set; } = MediaConnectionState.New;

    public IPEndPoint? RemoteEndPoint { get; private set; }

    /// <summary>Packets that arrived before the keys did, or failed to authenticate: a measure of trouble.</summary>
    public long DroppedPackets => Interlocked.Read(ref _srtp.DroppedPackets);

    public event Action<IMediaConnection, MediaConnectionState>? StateChanged;

    public event MediaPacketHandler? RtpReceived;

    public event MediaPacketHandler? RtcpReceived;

    public void UpdateRemote(string? remoteIceUfrag, string? remoteFingerprint)
    {
        lock (_gate)
        {
            if (remoteIceUfrag is not null)
            {
                RemoteIceUfrag = remoteIceUfrag;
            }
            if (remoteFingerprint is not null && !DtlsCertificate.SameFingerprint(RemoteFingerprint, remoteFingerprint))
            {
                // A new certificate means a new DTLS association: forget the keys and handshake again.
                var hadOne = RemoteFingerprint is not null;
                RemoteFingerprint = remoteFingerprint;
                if (hadOne)
                {
                    ResetKeys();
                }
            }
            StartClientHandshakeWhenReady();
        }
    }

    public void RestartIce()
    {
        lock (_gate)
        {
            if (State == MediaConnectionState.Closed)
            {
                return;
            }
            var previous = LocalIceUfrag;
            LocalIceUfrag = RandomNumberGenerator.GetString(IceCharacters, 8);
            LocalIcePassword = RandomNumberGenerator.GetString(IceCharacters, 24);
            // Checks are only accepted once the browser's answer names its new credentials, or from whatever it sends
            // first under ours: those are authenticated with the new password either way.
            RemoteIceUfrag = null;
            _server.Rekey(this, previous);
            Log.IceRestarted(_logger, previous, LocalIceUfrag);
        }
    }

    public bool TrySendRtp(ReadOnlySpan<byte> rtpPacket) => _srtp.TrySend(rtpPacket, rtcp: false, _remote);

    public bool TrySendRtcp(ReadOnlySpan<byte> rtcpPacket) => _srtp.TrySend(rtcpPacket, rtcp: true, _remote);

    public ValueTask DisposeAsync()
    {
        Close("closed by signaling");
        return ValueTask.CompletedTask;
    }

    /// <summary>A valid STUN check arrived: consent is fresh, and the browser's address is (re)learnt.</summary>
    internal void OnConsent(SocketAddress from, bool useCandidate, long now)
    {
        lock (_gate)
        {
            if (State == MediaConnectionState.Closed)
            {
                return;
            }
            _lastConsent = now;
            var remote = _remote;
            if (remote is null || (useCandidate && !remote.Equals(from)))
            {
                var learnt = Copy(from);
                _server.Route(this, remote, learnt);
                _remote = learnt;
                RemoteEndPoint = (IPEndPoint)new IPEndPoint(IPAddress.Any, 0).Create(learnt);
                Log.AddressLearnt(_logger, LocalIceUfrag, RemoteEndPoint);
            }
            if (State is MediaConnectionState.New or MediaConnectionState.Disconnected)
            {
                // Revived with its keys, a connection needs no handshake: the browser kept its side of the association.
                SetState(_srtp.HasKeys ? MediaConnectionState.Connected : MediaConnectionState.Connecting);
            }
            StartClientHandshakeWhenReady();
        }
    }

    /// <summary>
    /// As DTLS client the emulator speaks first, but only once it knows both where the browser is (a STUN check) and
    /// which certificate to expect (its SDP answer): these arrive in either order, and a handshake started blind would
    /// fail and leave the browser's DTLS broken.
    /// </summary>
    // Called with _gate held.
    private void StartClientHandshakeWhenReady()
    {
        if (Role == MediaConnectionRole.Subscribe && _remote is not null && RemoteFingerprint is not null && _dtls is null && !_srtp.HasKeys &&
            State is MediaConnectionState.Connecting)
        {
            StartHandshake();
        }
    }

    internal void OnDtls(ReadOnlySpan<byte> record)
    {
        lock (_gate)
        {
            if (_dtls is null && !_srtp.HasKeys && Role == MediaConnectionRole.Publish && _remote is not null &&
                State is MediaConnectionState.Connecting)
            {
                StartHandshake();
            }
            // After the handshake (and its retransmit window), records are alerts or data-channel SCTP the emulator
            // does not speak: dropped.
            _dtls?.Enqueue(record);
        }
    }

    /// <summary>Decrypts in place and hands the plain packet on; <paramref name="packet"/> is the socket's receive buffer.</summary>
    internal void OnSrtp(Span<byte> packet)
    {
        var rtcp = IsRtcp(packet);
        var length = _srtp.Unprotect(packet, rtcp);
        if (length >= 0)
        {
            (rtcp ? RtcpReceived : RtpReceived)?.Invoke(this, packet[..length]);
        }
    }

    /// <summary>
    /// RFC 7675: without consent checks for this long the browser is gone. A connection that was never checked is
    /// closed; one that was keeps its DTLS association for a browser that comes back through an ICE restart.
    /// </summary>
    internal void CheckConsent(long now, long timeoutTicks)
    {
        lock (_gate)
        {
            if (now - _lastConsent <= timeoutTicks)
            {
                return;
            }
            if (State == MediaConnectionState.New)
            {
                Close("no consent check ever arrived");
            }
            else if (State is MediaConnectionState.Connecting or MediaConnectionState.Connected)
            {
                _server.Unroute(this, _remote);
                _remote = null;
                RemoteEndPoint = null;
                // A handshake under way cannot finish without an address; a revived connection starts another.
                _dtls?.Close();
                _dtls = null;
                Log.ConsentLost(_logger, LocalIceUfrag, _srtp.HasKeys);
                SetState(MediaConnectionState.Disconnected);
            }
        }
    }

    internal void Close(string reason)
    {
        lock (_gate)
        {
            if (State == MediaConnectionState.Closed)
            {
                return;
            }
            _server.Forget(this, _remote);
            _remote = null;
            ResetKeys();
            Log.Closed(_logger, LocalIceUfrag, reason);
            SetState(MediaConnectionState.Closed);
        }
    }

    /// <summary>RFC 5761: an RTCP packet type (200–207 and the rest of 192–223) shows as 64–95 in the RTP payload-type bits.</summary>
    public static bool IsRtcp(ReadOnlySpan<byte> packet) => packet.Length >= 2 && (packet[1] & 0x7F) is >= 64 and <= 95;

    // Called with _gate held.
    private void StartHandshake()
    {
        // Each record goes where the browser is now: ICE may move it (a nominated pair on another address) mid-handshake.
        var queue = new DatagramQueue(SendToBrowser);
        var fingerprint = RemoteFingerprint;
        _dtls = queue;
        _ = Task.Factory.StartNew(() => RunHandshake(queue, fingerprint), CancellationToken.None,
            TaskCreationOptions.LongRunning, TaskScheduler.Default);
    }

    private void SendToBrowser(ReadOnlySpan<byte> record)
    {
        if (_remote is { } remote)
        {
            _server.SendTo(record, remote);
        }
    }

    private void RunHandshake(DatagramQueue queue, string? fingerprint)
    {
        try
        {
            var (keys, serverTransport) = DtlsHandshake.Run(Role == MediaConnectionRole.Publish, _server.Certificate, _server.Random, fingerprint, queue);
            lock (_gate)
            {
                if (_dtls != queue || keys is null)
                {
                    return; // closed or restarted meanwhile
                }
                _srtp.Start(keys, asDtlsClient: Role == MediaConnectionRole.Subscribe);
                Log.Connected(_logger, LocalIceUfrag, Role);
                SetState(MediaConnectionState.Connected);
            }
            if (serverTransport is not null)
            {
                DtlsHandshake.AnswerRetransmittedFinalFlight(serverTransport, queue);
            }
        }
        catch (Exception exception) when (exception is TlsException or IOException or ObjectDisposedException or InvalidOperationException)
        {
            if (exception is not ObjectDisposedException)
            {
                Log.HandshakeFailed(_logger, LocalIceUfrag, Role, exception.Message);
            }
        }
        finally
        {
            lock (_gate)
            {
                if (_dtls == queue)
                {
                    _dtls = null; // a later record or check may start another attempt, if the keys are not there
                }
            }
            // Closing the queue also silences it: BouncyCastle, abandoned here, must never send an alert to the browser.
            queue.Close();
        }
    }

    // Called with _gate held.
    private void ResetKeys()
    {
        _srtp.Stop();
        if (_dtls is not null)
        {
            _dtls.Close();
            _dtls = null;
        }
        if (State == MediaConnectionState.Connected)
        {
            SetState(MediaConnectionState.Connecting);
        }
    }

    // Called with _gate held; handlers must not call back into this connection synchronously.
    private void SetState(MediaConnectionState state)
    {
        State = state;
        var handlers = StateChanged;
        if (handlers is not null)
        {
            ThreadPool.UnsafeQueueUserWorkItem(_ => handlers(this, state), null);
        }
    }

    private static SocketAddress Copy(SocketAddress address)
    {
        var copy = new SocketAddress(address.Family, address.Size);
        address.Buffer.Span[..address.Size].CopyTo(copy.Buffer.Span);
        return copy;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9301, Level = LogLevel.Debug, Message = "Media {Ufrag}: browser at {RemoteEndPoint}")]
        public static partial void AddressLearnt(ILogger logger, string ufrag, IPEndPoint remoteEndPoint);

        [LoggerMessage(EventId = 9302, Level = LogLevel.Information, Message = "Media {Ufrag}: DTLS-SRTP established ({Role})")]
        public static partial void Connected(ILogger logger, string ufrag, MediaConnectionRole role);

        [LoggerMessage(EventId = 9303, Level = LogLevel.Warning, Message = "Media {Ufrag}: DTLS handshake failed ({Role}): {Reason}")]
        public static partial void HandshakeFailed(ILogger logger, string ufrag, MediaConnectionRole role, string reason);

        [LoggerMessage(EventId = 9304, Level = LogLevel.Information, Message = "Media {Ufrag}: closed ({Reason})")]
        public static partial void Closed(ILogger logger, string ufrag, string reason);

        [LoggerMessage(EventId = 9305, Level = LogLevel.Information, Message = "Media {Ufrag}: no consent checks, disconnected (keys kept: {KeysKept})")]
        public static partial void ConsentLost(ILogger logger, string ufrag, bool keysKept);

        [LoggerMessage(EventId = 9306, Level = LogLevel.Information, Message = "Media {PreviousUfrag}: ICE restarted as {Ufrag}")]
        public static partial void IceRestarted(ILogger logger, string previousUfrag, string ufrag);
    }
}

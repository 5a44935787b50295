using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using HelloWorld.Emulator.Media.Dtls;
using HelloWorld.Emulator.Media.Ice;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;
using Org.BouncyCastle.Security;

namespace HelloWorld.Emulator.Media.Transport;

/// <summary>
/// One UDP socket for every browser peer connection, demultiplexed as RFC 7983 says: STUN (first byte 0–3) by its
/// USERNAME, DTLS (20–63) and SRTP/SRTCP (128–191) by the source address ICE learnt. ICE-lite: the emulator only answers
/// checks; Chromium, always the controlling agent, does the rest.
/// </summary>
internal sealed partial class MediaServer : IMediaServer, IHostedService, IDisposable
{
    private readonly EmulatorOptions _options;
    private readonly TimeProvider _clock;
    private readonly ILogger<MediaServer> _logger;
    private readonly ILoggerFactory _loggers;
    private readonly Socket _socket;
    private readonly ConcurrentDictionary<string, MediaConnection> _byUfrag = new(StringComparer.Ordinal);
    private readonly AddressTable<MediaConnection> _byAddress = new();
    private readonly Thread _receiver;
    private readonly ITimer _consentTimer;
    private volatile bool _stopping;

    public MediaServer(IOptions<EmulatorOptions> options, TimeProvider clock, ILoggerFactory loggers)
    {
        _options = options.Value;
        _clock = clock;
        _loggers = loggers;
        _logger = loggers.CreateLogger<MediaServer>();
        Random = new SecureRandom();
        Certificate = DtlsCertificate.Create(Random);

        var bind = new IPEndPoint(IPAddress.Parse(_options.MediaBindAddress), _options.MediaPort);
        _socket = new Socket(bind.AddressFamily, SocketType.Dgram, ProtocolType.Udp);
        _socket.Bind(bind);
        var bound = (IPEndPoint)_socket.LocalEndPoint!;
        var advertised = string.IsNullOrEmpty(_options.MediaAdvertisedAddress) ? bound.Address : IPAddress.Parse(_options.MediaAdvertisedAddress);
        CandidateEndPoint = new IPEndPoint(advertised, bound.Port);

        // Bound at construction so SDP can name the port at once; the receive thread serves until disposal.
        _receiver = new Thread(ReceiveLoop) { IsBackground = true, Name = "emulator-media" };
        _receiver.Start();
        _consentTimer = clock.CreateTimer(_ => CheckConsent(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        Log.Listening(_logger, CandidateEndPoint);
    }

    public IPEndPoint CandidateEndPoint { get; }

    public string CertificateFingerprint => Certificate.Fingerprint;

    internal DtlsCertificate Certificate { get; }

    internal SecureRandom Random { get; }

    /// <summary>
    /// When set, the receive thread's own work per datagram is recorded apart from its system calls (the relay
    /// benchmark's direct measure). Set it while the thread is idle between datagrams.
    /// </summary>
    internal ReceiveThreadMeter? Meter { get; set; }

    /// <summary>Connections alive now, for diagnostics.</summary>
    public int ConnectionCount => _byUfrag.Count;

    public IMediaConnection CreateConnection(MediaConnectionRole role, string? remoteIceUfrag, string? remoteFingerprint)
    {
        var connection = new MediaConnection(this, role, remoteIceUfrag, remoteFingerprint, _clock.GetTimestamp(), _loggers.CreateLogger<MediaConnection>());
        _byUfrag[connection.LocalIceUfrag] = connection;
        return connection;
    }

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken)
    {
        Dispose();
        return Task.CompletedTask;
    }

    public void Dispose()
    {
        if (_stopping)
        {
            return;
        }
        _stopping = true;
        _consentTimer.Dispose();
        foreach (var connection in _byUfrag.Values)
        {
            connection.Close("emulator stopping");
        }
        _socket.Dispose();
    }

    internal bool SendTo(ReadOnlySpan<byte> datagram, SocketAddress remote)
    {
        if (Meter is { } meter && Thread.CurrentThread == _receiver)
        {
            var before = Stopwatch.GetTimestamp();
            var sent = Send(datagram, remote);
            meter.Sent(before, Stopwatch.GetTimestamp());
            return sent;
        }
        return Send(datagram, remote);
    }

    private bool Send(ReadOnlySpan<byte> datagram, SocketAddress remote)
    {
        try
        {
            return _socket.SendTo(datagram, SocketFlags.None, remote) == datagram.Length;
        }
        catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>The browser moved (or was first seen): packets from <paramref name="to"/> now belong to the connection.</summary>
    internal void Route(MediaConnection connection, SocketAddress? from, SocketAddress to)
    {
        if (from is not null)
        {
            _byAddress.Remove(from, connection);
        }
        _byAddress.Set(to, connection);
    }

    /// <summary>The connection lost consent: packets from its last address no longer belong to it.</summary>
    internal void Unroute(MediaConnection connection, SocketAddress? address)
    {
        if (address is not null)
        {
            _byAddress.Remove(address, connection);
        }
    }

    /// <summary>The connection restarted ICE: checks now name its new user fragment, and the old one is no longer answered.</summary>
    internal void Rekey(MediaConnection connection, string previousUfrag)
    {
        _byUfrag.TryRemove(new KeyValuePair<string, MediaConnection>(previousUfrag, connection));
        _byUfrag[connection.LocalIceUfrag] = connection;
    }

    internal void Forget(MediaConnection connection, SocketAddress? address)
    {
        _byUfrag.TryRemove(new KeyValuePair<string, MediaConnection>(connection.LocalIceUfrag, connection));
        if (address is not null)
        {
            _byAddress.Remove(address, connection);
        }
    }

    private void ReceiveLoop()
    {
        var buffer = new byte[2048];
        var response = new byte[256];
        var from = new SocketAddress(_socket.AddressFamily);
        while (!_stopping)
        {
            int length;
            try
            {
                length = _socket.ReceiveFrom(buffer, SocketFlags.None, from);
            }
            catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionReset)
            {
                continue; // an ICMP port-unreachable from a browser that left; the socket is fine
            }
            catch (Exception exception) when (exception is SocketException or ObjectDisposedException)
            {
                if (!_stopping)
                {
                    Log.ReceiveFailed(_logger, exception.Message);
                }
                return;
            }
            var meter = Meter;
            meter?.Received(Stopwatch.GetTimestamp());
            try
            {
                Dispatch(buffer.AsSpan(0, length), from, response);
            }
            catch (Exception exception)
            {
                // One bad datagram must never stop the media of everyone else.
                Log.DatagramFailed(_logger, exception);
            }
            meter?.Handled(Stopwatch.GetTimestamp());
        }
    }

    private void Dispatch(Span<byte> datagram, SocketAddress from, byte[] response)
    {
        if (datagram.Length == 0)
        {
            return;
        }
        switch (datagram[0])
        {
            case <= 3:
                AnswerCheck(datagram, from, response);
                break;
            case >= 20 and <= 63:
                _byAddress.Find(from)?.OnDtls(datagram);
                break;
            case >= 128 and <= 191:
                _byAddress.Find(from)?.OnSrtp(datagram);
                break;
        }
    }

    private void AnswerCheck(ReadOnlySpan<byte> request, SocketAddress from, byte[] response)
    {
        if (!StunMessage.TryReadBindingRequest(request, out var username, out var useCandidate))
        {
            return;
        }
        var separator = username.IndexOf(':', StringComparison.Ordinal);
        if (separator <= 0 || !_byUfrag.TryGetValue(username[..separator], out var connection))
        {
            Log.UnknownCheck(_logger, username);
            return;
        }
        var remoteUfrag = username[(separator + 1)..];
        if (connection.RemoteIceUfrag is { } expected && expected != remoteUfrag)
        {
            return; // a check from before an ICE restart
        }
        if (!StunMessage.IsAuthentic(request, connection.LocalIcePassword))
        {
            Log.ForgedCheck(_logger, connection.LocalIceUfrag);
            return;
        }
        var mapped = (IPEndPoint)new IPEndPoint(IPAddress.Any, 0).Create(from);
        var length = StunMessage.WriteBindingSuccess(request, mapped, connection.LocalIcePassword, response);
        SendTo(response.AsSpan(0, length), from);
        connection.OnConsent(from, useCandidate, _clock.GetTimestamp());
    }

    private void CheckConsent()
    {
        var now = _clock.GetTimestamp();
        var timeout = (long)(_options.MediaConsentTimeout.TotalSeconds * _clock.TimestampFrequency);
        foreach (var connection in _byUfrag.Values)
        {
            connection.CheckConsent(now, timeout);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9201, Level = LogLevel.Information, Message = "Emulator media listening on udp {EndPoint}")]
        public static partial void Listening(ILogger logger, IPEndPoint endPoint);

        [LoggerMessage(EventId = 9202, Level = LogLevel.Debug, Message = "STUN check for unknown ICE user {Username}")]
        public static partial void UnknownCheck(ILogger logger, string username);

        [LoggerMessage(EventId = 9203, Level = LogLevel.Warning, Message = "STUN check for {Ufrag} failed its integrity check")]
        public static partial void ForgedCheck(ILogger logger, string ufrag);

        [LoggerMessage(EventId = 9204, Level = LogLevel.Error, Message = "Emulator media socket stopped: {Reason}")]
        public static partial void ReceiveFailed(ILogger logger, string reason);

        [LoggerMessage(EventId = 9205, Level = LogLevel.Warning, Message = "A media datagram could not be handled")]
        public static partial void DatagramFailed(ILogger logger, Exception exception);
    }
}

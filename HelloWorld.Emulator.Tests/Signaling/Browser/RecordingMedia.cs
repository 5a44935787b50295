using System.Net;
using HelloWorld.Emulator.Media;
using HelloWorld.Emulator.Media.Relay;

namespace HelloWorld.Emulator.Tests.Signaling.Browser;

/// <summary>
/// A media plane that carries nothing and remembers everything: signaling tests see which connections a device made,
/// which it disposed, and which sinks the relay holds, and can hold a connection's <c>UpdateRemote</c> to stop a device
/// in the middle of applying an answer.
/// </summary>
internal sealed class RecordingMedia : IMediaServer, IMediaRelay
{
    private readonly Lock _gate = new();
    private readonly List<RecordingConnection> _connections = [];
    private readonly List<(string StreamId, IMediaConnection Subscriber)> _sinks = [];
    private readonly List<IMediaConnection> _everSunk = [];

    public IPEndPoint CandidateEndPoint { get; } = new(IPAddress.Loopback, 9);

    public string CertificateFingerprint => "AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89:AB:CD:EF:01:23:45:67:89";

    public IReadOnlyList<RecordingConnection> Connections
    {
        get
        {
            lock (_gate)
            {
                return [.. _connections];
            }
        }
    }

    public IMediaConnection CreateConnection(MediaConnectionRole role, string? remoteIceUfrag, string? remoteFingerprint)
    {
        var connection = new RecordingConnection(role);
        lock (_gate)
        {
            _connections.Add(connection);
        }
        return connection;
    }

    /// <summary>The streams the relay forwards to <paramref name="subscriber"/> now.</summary>
    public IReadOnlyList<string> SinksOf(IMediaConnection subscriber)
    {
        lock (_gate)
        {
            return [.. _sinks.Where(sink => sink.Subscriber == subscriber).Select(sink => sink.StreamId)];
        }
    }

    /// <summary>Whether the relay was ever asked to forward anything to <paramref name="subscriber"/>.</summary>
    public bool EverSunk(IMediaConnection subscriber)
    {
        lock (_gate)
        {
            return _everSunk.Contains(subscriber);
        }
    }

    public void AddSink(string streamId, IMediaConnection subscriber, uint outSsrc, IReadOnlyDictionary<byte, byte> payloadTypes, int clockRate = 8000)
    {
        lock (_gate)
        {
            _sinks.RemoveAll(sink => sink.StreamId == streamId && sink.Subscriber == subscriber);
            _sinks.Add((streamId, subscriber));
            _everSunk.Add(subscriber);
        }
    }

    public void RemoveSink(string streamId, IMediaConnection subscriber)
    {
        lock (_gate)
        {
            _sinks.RemoveAll(sink => sink.StreamId == streamId && sink.Subscriber == subscriber);
        }
    }

    public void AddSource(string streamId, IMediaConnection connection, uint ssrc)
    {
    }

    public IRtpSink AddInternalSource(string streamId) => new NoSink();

    public void RemoveSource(string streamId)
    {
    }

    public void AddInternalSink(string streamId, IRtpSink receiver)
    {
    }

    public void RemoveInternalSink(string streamId, IRtpSink receiver)
    {
    }

    public bool SetForwarding(string streamId, bool enabled) => false;

    public RelayStreamStats? GetStats(string streamId) => null;

    public RelayTotals Totals() => new(0, 0);

    private sealed class NoSink : IRtpSink
    {
        public void Write(ReadOnlySpan<byte> rtpPacket)
        {
        }
    }
}

/// <summary>A connection that is always <see cref="MediaConnectionState.New"/> until disposed, and never raises an event.</summary>
internal sealed class RecordingConnection(MediaConnectionRole role) : IMediaConnection
{
    private readonly TaskCompletionSource _updating = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private ManualResetEventSlim? _held;

    public MediaConnectionRole Role => role;

    public string LocalIceUfrag { get; private set; } = Guid.NewGuid().ToString("N")[..8];

    public string LocalIcePassword { get; } = Guid.NewGuid().ToString("N");

    public MediaConnectionState State { get; private set; } = MediaConnectionState.New;

    public bool Disposed => State == MediaConnectionState.Closed;

    /// <summary>Completes when <see cref="UpdateRemote"/> is first called.</summary>
    public Task Updating => _updating.Task;

#pragma warning disable CS0067 // a connection that never changes state or carries packets raises nothing
    public event Action<IMediaConnection, MediaConnectionState>? StateChanged;

    public event MediaPacketHandler? RtpReceived;

    public event MediaPacketHandler? RtcpReceived;
#pragma warning restore CS0067

    /// <summary>From now on <see cref="UpdateRemote"/> waits, on its caller's thread, until <see cref="Release"/>.</summary>
    public void Hold() => _held = new ManualResetEventSlim();

    public void Release() => _held?.Set();

    public void UpdateRemote(string? remoteIceUfrag, string? remoteFingerprint)
    {
        _updating.TrySetResult();
        if (_held is { } held && !held.Wait(TimeSpan.FromSeconds(30)))
        {
            throw new TimeoutException("The test never released the held UpdateRemote.");
        }
    }

    public void RestartIce() => LocalIceUfrag = Guid.NewGuid().ToString("N")[..8];

    public bool TrySendRtp(ReadOnlySpan<byte> rtpPacket) => false;

    public bool TrySendRtcp(ReadOnlySpan<byte> rtcpPacket) => false;

    public ValueTask DisposeAsync()
    {
        State = MediaConnectionState.Closed;
        return ValueTask.CompletedTask;
    }
}

using System.Collections.Concurrent;
using HelloWorld.Emulator.Media.Audio;
using HelloWorld.Emulator.Media.Relay;
using HelloWorld.Emulator.Media.Rtp;
using Microsoft.Extensions.Logging;

namespace HelloWorld.Emulator.Signaling;

/// <summary>
/// A simulated phone whose call was transferred into WebRTC: it joins as its participant without a WebSocket, publishes
/// one PCMU stream (its voice, every 20 ms), hears the streams its participant is subscribed to, and in echo mode sends
/// what it hears back instead of its voice.
/// </summary>
internal sealed partial class PhoneDevice : IDevice, IVirtualDevice
{
    private const double LevelSmoothing = 0.2;

    private readonly DeviceHub _hub;
    private readonly IMediaRelay _relay;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly string _number;
    private readonly IRtpSink _voiceOut;
    private readonly PhoneVoice _voice = new();
    private readonly Lock _sending = new();
    private readonly byte[] _frame = new byte[RtpPacket.HeaderLength + Pcmu.SamplesPerFrame];
    private readonly byte[] _echo = new byte[RtpPacket.HeaderLength + 3 * Pcmu.SamplesPerFrame];
    private readonly uint _ssrc = (uint)Random.Shared.Next(1, int.MaxValue);
    private readonly ConcurrentDictionary<string, Ear> _ears = new(StringComparer.Ordinal);
    private readonly ITimer? _ticker;
    private readonly bool _audio;
    private readonly DateTimeOffset _connectedAt;
    private ushort _sequence = (ushort)Random.Shared.Next(ushort.MaxValue);
    private uint _timestamp = (uint)Random.Shared.Next();
    private long _packetsReceived;
    private long _packetsSent;
    private long _lastHeard;
    private double _level;
    private string _digits = string.Empty;
    private int _closed;

    /// <param name="audio">False: the phone publishes its stream (it is in the session) but neither speaks nor listens.</param>
    /// <param name="publish">False: the phone only listens (its participant may not publish AUDIO).</param>
    public PhoneDevice(string participantId, string number, bool audio, bool publish, DeviceHub hub, IMediaRelay relay, TimeProvider clock, ILogger logger)
    {
        ParticipantId = participantId;
        _audio = audio;
        _number = number;
        _hub = hub;
        _relay = relay;
        _clock = clock;
        _logger = logger;
        _connectedAt = clock.GetUtcNow();
        StreamId = Guid.NewGuid().ToString();
        _voiceOut = relay.AddInternalSource(StreamId);
        hub.Connect(this);
        if (publish)
        {
            hub.Publish(new PublishedStream(StreamId, participantId, $"phone-{participantId}", $"phone {number}", SubscribeOfferTelephoneEvents));
        }
        _ticker = audio && publish ? clock.CreateTimer(_ => Speak(), null, TimeSpan.Zero, TimeSpan.FromMilliseconds(20)) : null;
        Log.Joined(_logger, number, participantId);
    }

    // The phone's voice carries no DTMF of its own; its stream is plain PCMU.
    private static byte? SubscribeOfferTelephoneEvents => null;

    public string ParticipantId { get; }

    public string StreamId { get; }

    public bool Echo { get; set; }

    public VirtualDeviceStats Stats
    {
        get
        {
            var heardRecently = _clock.GetElapsedTime(Interlocked.Read(ref _lastHeard)) < TimeSpan.FromSeconds(1);
            return new VirtualDeviceStats(Interlocked.Read(ref _packetsReceived), Interlocked.Read(ref _packetsSent),
                heardRecently ? Math.Round(Volatile.Read(ref _level), 4) : null, Volatile.Read(ref _digits));
        }
    }

    public void SyncReceivedStreams()
    {
        if (Volatile.Read(ref _closed) != 0 || !_audio)
        {
            return;
        }
        var wanted = _hub.Receivable(ParticipantId).ToDictionary(stream => stream.StreamId, StringComparer.Ordinal);
        foreach (var (streamId, ear) in _ears)
        {
            if (!wanted.ContainsKey(streamId) && _ears.TryRemove(streamId, out _))
            {
                _relay.RemoveInternalSink(streamId, ear);
            }
        }
        foreach (var stream in wanted.Values)
        {
            if (!_ears.ContainsKey(stream.StreamId))
            {
                var ear = new Ear(this, stream.TelephoneEventPayloadType);
                if (_ears.TryAdd(stream.StreamId, ear))
                {
                    _relay.AddInternalSink(stream.StreamId, ear);
                }
            }
        }
    }

    public Task CloseAsync(string reason) => DisposeAsync().AsTask();

    public ConnectedDeviceInfo Describe() => new(ParticipantId, "phone", _connectedAt, 0, "internal", "internal");

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
        {
            return;
        }
        if (_ticker is not null)
        {
            await _ticker.DisposeAsync();
        }
        foreach (var (streamId, ear) in _ears)
        {
            _relay.RemoveInternalSink(streamId, ear);
        }
        _ears.Clear();
        _hub.Withdraw(StreamId);
        _hub.Disconnect(this);
        Log.Left(_logger, _number, ParticipantId);
    }

    /// <summary>Every 20 ms: the phone's own voice, unless it is echoing what it hears.</summary>
    private void Speak()
    {
        if (Echo && _clock.GetElapsedTime(Interlocked.Read(ref _lastHeard)) < TimeSpan.FromMilliseconds(200))
        {
            return;
        }
        lock (_sending)
        {
            _voice.NextFrame(_frame.AsSpan(RtpPacket.HeaderLength));
            Send(_frame, Pcmu.SamplesPerFrame);
        }
    }

    private void Hear(ReadOnlySpan<byte> packet, byte? telephoneEventPayloadType)
    {
        Interlocked.Increment(ref _packetsReceived);
        Interlocked.Exchange(ref _lastHeard, _clock.GetTimestamp());
        var payloadType = RtpPacket.PayloadType(packet);
        var payload = RtpPacket.Payload(packet);
        if (payloadType == Pcmu.PayloadType)
        {
            Volatile.Write(ref _level, (1 - LevelSmoothing) * Volatile.Read(ref _level) + LevelSmoothing * AudioLevel.OfPcmu(payload));
            if (Echo && payload.Length <= Pcmu.SamplesPerFrame * 3)
            {
                lock (_sending)
                {
                    payload.CopyTo(_echo.AsSpan(RtpPacket.HeaderLength));
                    Send(_echo.AsSpan(0, RtpPacket.HeaderLength + payload.Length), payload.Length);
                }
            }
        }
        else if (payloadType == telephoneEventPayloadType && TelephoneEvent.TryRead(payload, out var digit, out var end) && end &&
                 !IsRepeatedEnd(packet))
        {
            Volatile.Write(ref _digits, (_digits + digit)[^Math.Min(_digits.Length + 1, 32)..]);
            Log.Digit(_logger, _number, digit);
        }
    }

    // RFC 4733 repeats the end packet three times with the same timestamp: count each event once.
    private uint _lastEventTimestamp;

    private bool IsRepeatedEnd(ReadOnlySpan<byte> packet)
    {
        var timestamp = RtpPacket.Timestamp(packet);
        if (timestamp == _lastEventTimestamp)
        {
            return true;
        }
        _lastEventTimestamp = timestamp;
        return false;
    }

    // Called with _sending held.
    private void Send(Span<byte> packet, int samples)
    {
        RtpPacket.WriteHeader(packet, Pcmu.PayloadType, marker: false, _sequence++, _timestamp, _ssrc);
        _timestamp += (uint)samples;
        _voiceOut.Write(packet);
        Interlocked.Increment(ref _packetsSent);
    }

    /// <summary>What the phone hears of one stream.</summary>
    private sealed class Ear(PhoneDevice phone, byte? telephoneEventPayloadType) : IRtpSink
    {
        public void Write(ReadOnlySpan<byte> rtpPacket) => phone.Hear(rtpPacket, telephoneEventPayloadType);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9701, Level = LogLevel.Information, Message = "Phone {Number} joined WebRTC as participant {ParticipantId}")]
        public static partial void Joined(ILogger logger, string number, string participantId);

        [LoggerMessage(EventId = 9702, Level = LogLevel.Information, Message = "Phone {Number} (participant {ParticipantId}) left WebRTC")]
        public static partial void Left(ILogger logger, string number, string participantId);

        [LoggerMessage(EventId = 9703, Level = LogLevel.Information, Message = "Phone {Number} heard DTMF {Digit}")]
        public static partial void Digit(ILogger logger, string number, char digit);
    }
}

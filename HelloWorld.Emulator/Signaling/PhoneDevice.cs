using System.Collections.Concurrent;
using HelloWorld.Emulator.Media.Audio;
using HelloWorld.Emulator.Media.Relay;
using HelloWorld.Emulator.Media.Rtp;
using Microsoft.Extensions.Logging;

namespace HelloWorld.Emulator.Signaling;

/// <summary>
/// A simulated phone whose call was transferred into WebRTC: it joins as its participant without a WebSocket, publishes
/// one PCMU stream (every 20 ms of its clock), hears the streams its participant is subscribed to, and in echo mode sends
/// the mix of what it heard in each 20 ms instead of its voice, as a phone's one microphone would.
/// </summary>
internal sealed partial class PhoneDevice : IDevice, IVirtualDevice
{
    private const double LevelSmoothing = 0.2;

    /// <summary>
    /// Audio each heard stream may hold for the echo: enough to ride out packets arriving a little early or late against
    /// the phone's own 20 ms clock, little enough to keep the echo prompt.
    /// </summary>
    private const int EchoBufferFrames = 3;

    /// <summary>A clock this many frames behind (a stalled machine) skips ahead rather than sending the missed frames in a burst.</summary>
    private const int MaxCatchUpFrames = 5;

    private static readonly TimeSpan FrameDuration = TimeSpan.FromMilliseconds(20);

    private readonly DeviceHub _hub;
    private readonly IMediaRelay _relay;
    private readonly TimeProvider _clock;
    private readonly ILogger _logger;
    private readonly string _number;
    private readonly IRtpSink _voiceOut;
    private readonly PhoneVoice _voice = new();
    private readonly Lock _sending = new();
    private readonly byte[] _frame = new byte[RtpPacket.HeaderLength + Pcmu.SamplesPerFrame];
    private readonly int[] _mix = new int[Pcmu.SamplesPerFrame];
    private readonly uint _ssrc = (uint)Random.Shared.Next(1, int.MaxValue);
    private readonly uint _firstTimestamp = (uint)Random.Shared.Next();
    private readonly ConcurrentDictionary<string, Ear> _ears = new(StringComparer.Ordinal);
    private readonly ITimer? _ticker;
    private readonly bool _audio;
    private readonly DateTimeOffset _connectedAt;
    private readonly long _startedAt;
    private ushort _sequence = (ushort)Random.Shared.Next(ushort.MaxValue);
    private long _framesSent;
    private long _packetsReceived;
    private long _packetsSent;
    private long _lastHeard;
    private double _level;
    private string _digits = string.Empty;
    private volatile bool _echo;
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
        _startedAt = clock.GetTimestamp();
        StreamId = Guid.NewGuid().ToString();
        _voiceOut = relay.AddInternalSource(StreamId);
        hub.Connect(this);
        if (publish)
        {
            hub.Publish(new PublishedStream(StreamId, participantId, $"phone-{participantId}", $"phone {number}", Pcmu.PayloadType, SubscribeOfferTelephoneEvents));
        }
        _ticker = audio && publish ? clock.CreateTimer(_ => Speak(), null, TimeSpan.Zero, FrameDuration) : null;
        Log.Joined(_logger, number, participantId);
    }

    // The phone's voice carries no DTMF of its own; its stream is plain PCMU.
    private static byte? SubscribeOfferTelephoneEvents => null;

    public string ParticipantId { get; }

    public string StreamId { get; }

    public bool Echo
    {
        get => _echo;
        set
        {
            if (value && !_echo)
            {
                foreach (var ear in _ears.Values)
                {
                    ear.Clear(); // nothing heard before echo was on is sent back late
                }
            }
            _echo = value;
        }
    }

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
                var ear = new Ear(this, stream.PcmuPayloadType, stream.TelephoneEventPayloadType);
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

    /// <summary>
    /// On each tick, every frame its clock says is due: a timer fires late, and sometimes twice at once, so counting
    /// ticks would drift from real time. Timestamps follow the frames of the clock, as a phone's sampling does.
    /// </summary>
    private void Speak()
    {
        lock (_sending)
        {
            if (Volatile.Read(ref _closed) != 0)
            {
                return;
            }
            var due = _clock.GetElapsedTime(_startedAt).Ticks / FrameDuration.Ticks + 1;
            if (due - _framesSent > MaxCatchUpFrames)
            {
                _framesSent = due - 1;
            }
            for (; _framesSent < due; _framesSent++)
            {
                var payload = _frame.AsSpan(RtpPacket.HeaderLength);
                if (_echo)
                {
                    MixWhatWasHeard(payload);
                }
                else
                {
                    _voice.NextFrame(payload);
                }
                var timestamp = _firstTimestamp + (uint)(_framesSent * Pcmu.SamplesPerFrame);
                RtpPacket.WriteHeader(_frame, Pcmu.PayloadType, marker: false, _sequence++, timestamp, _ssrc);
                _voiceOut.Write(_frame);
                Interlocked.Increment(ref _packetsSent);
            }
        }
    }

    // Called with _sending held. Silence when nothing was heard: an echoing phone says nothing of its own.
    private void MixWhatWasHeard(Span<byte> payload)
    {
        Array.Clear(_mix);
        foreach (var ear in _ears.Values)
        {
            ear.AddNextFrameTo(_mix);
        }
        for (var i = 0; i < payload.Length; i++)
        {
            payload[i] = Pcmu.Encode((short)Math.Clamp(_mix[i], short.MinValue, short.MaxValue));
        }
    }

    private void Heard(Ear ear, ReadOnlySpan<byte> packet)
    {
        Interlocked.Increment(ref _packetsReceived);
        Interlocked.Exchange(ref _lastHeard, _clock.GetTimestamp());
        var payloadType = RtpPacket.PayloadType(packet);
        var payload = RtpPacket.Payload(packet);
        if (payloadType == ear.PcmuPayloadType)
        {
            Volatile.Write(ref _level, (1 - LevelSmoothing) * Volatile.Read(ref _level) + LevelSmoothing * AudioLevel.OfPcmu(payload));
            if (_echo)
            {
                ear.Keep(payload);
            }
        }
        else if (payloadType == ear.TelephoneEventPayloadType && TelephoneEvent.TryRead(payload, out var digit, out var end) && end &&
                 !ear.IsRepeatedEnd(packet))
        {
            Volatile.Write(ref _digits, (_digits + digit)[^Math.Min(_digits.Length + 1, 32)..]);
            Log.Digit(_logger, _number, digit);
        }
    }

    /// <summary>What the phone hears of one stream, and the last few frames of it kept for the echo.</summary>
    private sealed class Ear(PhoneDevice phone, byte pcmuPayloadType, byte? telephoneEventPayloadType) : IRtpSink
    {
        private const int Capacity = EchoBufferFrames * Pcmu.SamplesPerFrame;

        private readonly Lock _gate = new();
        private readonly short[] _samples = new short[Capacity];
        private int _start;
        private int _count;
        private uint _lastEventTimestamp;

        public byte PcmuPayloadType => pcmuPayloadType;

        public byte? TelephoneEventPayloadType => telephoneEventPayloadType;

        public void Write(ReadOnlySpan<byte> rtpPacket) => phone.Heard(this, rtpPacket);

        /// <summary>Decodes and keeps the payload; when more arrived than the phone's clock takes, the oldest goes.</summary>
        public void Keep(ReadOnlySpan<byte> pcmu)
        {
            lock (_gate)
            {
                foreach (var encoded in pcmu)
                {
                    if (_count == Capacity)
                    {
                        _start = (_start + 1) % Capacity;
                        _count--;
                    }
                    _samples[(_start + _count) % Capacity] = Pcmu.Decode(encoded);
                    _count++;
                }
            }
        }

        /// <summary>Adds up to one frame of what was kept to <paramref name="mix"/>; a late stream adds silence.</summary>
        public void AddNextFrameTo(int[] mix)
        {
            lock (_gate)
            {
                var taken = Math.Min(_count, mix.Length);
                for (var i = 0; i < taken; i++)
                {
                    mix[i] += _samples[(_start + i) % Capacity];
                }
                _start = (_start + taken) % Capacity;
                _count -= taken;
            }
        }

        public void Clear()
        {
            lock (_gate)
            {
                _start = 0;
                _count = 0;
            }
        }

        // RFC 4733 repeats the end packet three times with the same timestamp: count each event once.
        public bool IsRepeatedEnd(ReadOnlySpan<byte> packet)
        {
            var timestamp = RtpPacket.Timestamp(packet);
            if (timestamp == _lastEventTimestamp)
            {
                return true;
            }
            _lastEventTimestamp = timestamp;
            return false;
        }
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

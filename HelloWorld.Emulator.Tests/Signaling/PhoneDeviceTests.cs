using HelloWorld.Emulator.Media.Audio;
using HelloWorld.Emulator.Media.Relay;
using HelloWorld.Emulator.Media.Rtp;
using HelloWorld.Emulator.Signaling;
using HelloWorld.Emulator.WebRtc;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace HelloWorld.Emulator.Tests.Signaling;

/// <summary>
/// A simulated phone in a session with two browser streams, on a clock the test moves and a timer the test fires: a real
/// timer fires late, or twice at once, and the phone's packets must follow the clock all the same.
/// </summary>
public sealed class PhoneDeviceTests : IAsyncLifetime
{
    private static readonly TimeSpan Frame = TimeSpan.FromMilliseconds(20);
    private readonly ManualClock _clock = new();
    private readonly MediaRelay _relay;
    private readonly WebRtcStore _store;
    private readonly DeviceHub _hub;
    private readonly string _session;
    private readonly List<IAsyncDisposable> _phones = [];

    public PhoneDeviceTests()
    {
        _relay = new MediaRelay(_clock, NullLogger<MediaRelay>.Instance);
        _store = new WebRtcStore(_clock);
        _hub = new DeviceHub(_store, _relay, NullLogger<DeviceHub>.Instance);
        _session = _store.CreateSession("phone-tests").Id;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    public async Task DisposeAsync()
    {
        foreach (var phone in _phones)
        {
            await phone.DisposeAsync();
        }
        _hub.Dispose();
    }

    [Fact]
    public void Echoing_TwoHeardStreams_SendsOnePacketPerFrame_CarryingTheirMix()
    {
        var first = PublishBrowserStream("first");
        var second = PublishBrowserStream("second");
        var phone = ConnectPhone();
        phone.Echo = true;
        NextFrame();
        var echoed = Listen(phone.StreamId);

        for (ushort i = 0; i < 50; i++)
        {
            first.Write(PcmuPacket(sample: 1000, sequence: i));
            second.Write(PcmuPacket(sample: 2000, sequence: i));
            NextFrame();
        }

        Assert.Equal(50, echoed.Packets.Count);
        Assert.Single(echoed.Packets.Select(packet => RtpPacket.Ssrc(packet)).Distinct());
        AssertOneFrameApart(echoed.Packets);
        var mixed = RtpPacket.Payload(echoed.Packets[^1]).ToArray().Select(Pcmu.Decode);
        Assert.All(mixed, sample => Assert.InRange(sample, 3000 - 200, 3000 + 200)); // 1000 + 2000, within μ-law's step there
    }

    [Fact]
    public void Echoing_WithNothingHeard_SendsSilence_NotItsVoice()
    {
        PublishBrowserStream("quiet");
        var phone = ConnectPhone();
        phone.Echo = true;
        NextFrame();
        var echoed = Listen(phone.StreamId);

        NextFrame();

        Assert.All(RtpPacket.Payload(Assert.Single(echoed.Packets)).ToArray(), encoded => Assert.Equal(0, Pcmu.Decode(encoded)));
    }

    [Fact]
    public void ATimerThatFiresLate_SendsEveryFrameItsClockHasReached_StampedByThatClock()
    {
        var phone = ConnectPhone();
        NextFrame();
        var spoken = Listen(phone.StreamId);

        _clock.Advance(5 * Frame);
        _clock.FireTimers(); // once, 100 ms late
        _clock.FireTimers(); // and again at once: nothing more is due

        Assert.Equal(5, spoken.Packets.Count);
        AssertOneFrameApart(spoken.Packets);
    }

    [Fact]
    public void AfterAStall_TheNextPacketIsStampedForItsTime_WithoutABurstOfTheFramesMissed()
    {
        var phone = ConnectPhone();
        NextFrame();
        var spoken = Listen(phone.StreamId);
        NextFrame();
        var beforeStall = spoken.Packets[^1];

        _clock.Advance(TimeSpan.FromSeconds(1));
        _clock.FireTimers();

        var afterStall = Assert.Single(spoken.Packets.Skip(1));
        Assert.Equal((ushort)(RtpPacket.SequenceNumber(beforeStall) + 1), RtpPacket.SequenceNumber(afterStall));
        Assert.Equal((uint)(Pcmu.ClockRate * 1), RtpPacket.Timestamp(afterStall) - RtpPacket.Timestamp(beforeStall));
    }

    [Fact]
    public void WithSimulatedPhoneAudioOff_ThePhonesStreamIsInTheSession_ButItNeitherSpeaksNorListens()
    {
        var browser = Join().Id;
        var heard = PublishBrowserStream("microphone", browser);
        var phone = (PhoneDevice)Devices(simulatePhoneAudio: false).ConnectPhone(Join(), "+19195550123");
        _phones.Add(phone);
        var spoken = Listen(phone.StreamId);

        for (ushort i = 0; i < 10; i++)
        {
            heard.Write(PcmuPacket(sample: 1000, sequence: i));
            NextFrame();
        }

        Assert.Contains(_hub.Receivable(browser), stream => stream.StreamId == phone.StreamId);
        Assert.Empty(spoken.Packets);
        Assert.Equal(new VirtualDeviceStats(0, 0, null, ""), phone.Stats);
        Assert.Equal(0, _relay.GetStats("microphone")!.Sinks);
    }

    [Fact]
    public void WithSimulatedPhoneAudioOn_ThePhoneSpeaksAndListens()
    {
        var heard = PublishBrowserStream("microphone");
        var phone = (PhoneDevice)Devices(simulatePhoneAudio: true).ConnectPhone(Join(), "+19195550123");
        _phones.Add(phone);
        NextFrame();
        var spoken = Listen(phone.StreamId);

        for (ushort i = 0; i < 10; i++)
        {
            heard.Write(PcmuPacket(sample: 1000, sequence: i));
            NextFrame();
        }

        Assert.Equal(10, spoken.Packets.Count);
        Assert.Equal(10, phone.Stats.PacketsReceived);
        Assert.Equal(1, _relay.GetStats("microphone")!.Sinks);
    }

    private VirtualDevices Devices(bool simulatePhoneAudio) => new(
        _hub, _relay, Options.Create(new EmulatorOptions { SimulatePhoneAudio = simulatePhoneAudio }), _clock, NullLoggerFactory.Instance,
        NullLogger<VirtualDevices>.Instance);

    private PhoneDevice ConnectPhone()
    {
        var phone = new PhoneDevice(Join().Id, "+19195550123", audio: true, publish: true, _hub, _relay, _clock, NullLogger.Instance);
        _phones.Add(phone);
        return phone;
    }

    private EmulatedParticipant Join()
    {
        var participant = _store.CreateParticipant(["AUDIO"], null, "V3", null);
        _store.AddToSession(_session, participant.Id, new EmulatedSubscriptions(_session, []));
        return participant;
    }

    /// <summary>A browser's microphone as the relay sees it: plain PCMU packets, written by the test.</summary>
    private IRtpSink PublishBrowserStream(string streamId, string? participantId = null)
    {
        var source = _relay.AddInternalSource(streamId);
        _hub.Publish(new PublishedStream(streamId, participantId ?? Join().Id, $"endpoint-{streamId}", null, Pcmu.PayloadType, null));
        return source;
    }

    private Recorder Listen(string streamId)
    {
        var recorder = new Recorder();
        _relay.AddInternalSink(streamId, recorder);
        return recorder;
    }

    private void NextFrame()
    {
        _clock.Advance(Frame);
        _clock.FireTimers();
    }

    private static void AssertOneFrameApart(IReadOnlyList<byte[]> packets)
    {
        for (var i = 1; i < packets.Count; i++)
        {
            Assert.Equal((ushort)(RtpPacket.SequenceNumber(packets[i - 1]) + 1), RtpPacket.SequenceNumber(packets[i]));
            Assert.Equal((uint)Pcmu.SamplesPerFrame, RtpPacket.Timestamp(packets[i]) - RtpPacket.Timestamp(packets[i - 1]));
        }
    }

    private static byte[] PcmuPacket(short sample, ushort sequence)
    {
        var packet = new byte[RtpPacket.HeaderLength + Pcmu.SamplesPerFrame];
        RtpPacket.WriteHeader(packet, Pcmu.PayloadType, marker: false, sequence, sequence * (uint)Pcmu.SamplesPerFrame, 77);
        packet.AsSpan(RtpPacket.HeaderLength).Fill(Pcmu.Encode(sample));
        return packet;
    }

    private sealed class Recorder : IRtpSink
    {
        private readonly List<byte[]> _packets = [];

        public IReadOnlyList<byte[]> Packets
        {
            get
            {
                lock (_packets)
                {
                    return [.. _packets];
                }
            }
        }

        public void Write(ReadOnlySpan<byte> rtpPacket)
        {
            lock (_packets)
            {
                _packets.Add(rtpPacket.ToArray());
            }
        }
    }

    /// <summary>A clock that moves only when told, and whose timers fire only when told: as late, or as often, as a test wants.</summary>
    private sealed class ManualClock : TimeProvider
    {
        private readonly List<(TimerCallback Callback, object? State)> _timers = [];
        private long _ticks = TimeSpan.FromDays(1).Ticks;

        public override long TimestampFrequency => TimeSpan.TicksPerSecond;

        public override long GetTimestamp() => Interlocked.Read(ref _ticks);

        public override DateTimeOffset GetUtcNow() => new DateTimeOffset(2025, 1, 1, 0, 0, 0, TimeSpan.Zero).AddTicks(GetTimestamp());

        public void Advance(TimeSpan by) => Interlocked.Add(ref _ticks, by.Ticks);

        public void FireTimers()
        {
            (TimerCallback Callback, object? State)[] timers;
            lock (_timers)
            {
                timers = [.. _timers];
            }
            foreach (var (callback, state) in timers)
            {
                callback(state);
            }
        }

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
        {
            var entry = (callback, state);
            lock (_timers)
            {
                _timers.Add(entry);
            }
            return new Timer(() =>
            {
                lock (_timers)
                {
                    _timers.Remove(entry);
                }
            });
        }

        private sealed class Timer(Action dispose) : ITimer
        {
            public bool Change(TimeSpan dueTime, TimeSpan period) => true;

            public void Dispose() => dispose();

            public ValueTask DisposeAsync()
            {
                dispose();
                return ValueTask.CompletedTask;
            }
        }
    }
}

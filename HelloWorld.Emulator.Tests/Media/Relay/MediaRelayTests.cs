using System.Buffers.Binary;
using HelloWorld.Emulator.Media;
using HelloWorld.Emulator.Media.Relay;
using HelloWorld.Emulator.Media.Rtp;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace HelloWorld.Emulator.Tests.Media.Relay;

public sealed class MediaRelayTests
{
    private readonly FakeTimeProvider _clock = new();
    private readonly MediaRelay _relay;
    private readonly FakeConnection _publisher = new();
    private readonly FakeConnection _subscriber = new();

    public MediaRelayTests() => _relay = new MediaRelay(_clock, NullLogger<MediaRelay>.Instance);

    [Fact]
    public void Packets_OfASource_ReachEverySink_WithTheSinksSsrcAndPayloadType()
    {
        var other = new FakeConnection();
        _relay.AddSource("s", _publisher, ssrc: 1111);
        _relay.AddSink("s", _subscriber, outSsrc: 2222, new Dictionary<byte, byte> { [0] = 0, [126] = 101 });
        _relay.AddSink("s", other, outSsrc: 3333, new Dictionary<byte, byte> { [0] = 0 });

        _publisher.Receive(Rtp(1111, 10, 1600, payloadType: 0));
        _publisher.Receive(Rtp(1111, 11, 1760, payloadType: 126));

        Assert.Equal([2222u, 2222u], _subscriber.Sent.Select(p => RtpPacket.Ssrc(p)));
        Assert.Equal([(byte)0, (byte)101], _subscriber.Sent.Select(p => RtpPacket.PayloadType(p)));
        Assert.Equal([3333u], other.Sent.Select(p => RtpPacket.Ssrc(p))); // no mapping for 126 there: dropped
        Assert.Equal(new RelayStreamStats(2, 3, true, 2), _relay.GetStats("s"));
    }

    [Fact]
    public void ASourcePublishedAgain_OnANewConnection_KeepsItsSinks()
    {
        var reconnected = new FakeConnection();
        _relay.AddSource("s", _publisher, 1111);
        _relay.AddSink("s", _subscriber, 2222, new Dictionary<byte, byte> { [0] = 0 });

        _relay.AddSource("s", reconnected, 5555);
        reconnected.Receive(Rtp(5555, 10, 1600, 0));

        Assert.Single(_subscriber.Sent);
        Assert.False(_publisher.HasListeners);
    }

    [Fact]
    public void PacketsOfAnotherSsrc_OnThePublishersConnection_AreNotForwarded()
    {
        _relay.AddSource("s", _publisher, ssrc: 1111);
        _relay.AddSink("s", _subscriber, 2222, new Dictionary<byte, byte> { [0] = 0 });

        _publisher.Receive(Rtp(9999, 10, 1600, 0));

        Assert.Empty(_subscriber.Sent);
    }

    [Fact]
    public void SequenceNumbersAndTimestamps_RunOnAcrossASourceSwitch()
    {
        var phone = _relay.AddInternalSource("s");
        _relay.AddSink("s", _subscriber, 2222, new Dictionary<byte, byte> { [0] = 0 });
        phone.Write(Rtp(1, 100, 16000, 0));
        phone.Write(Rtp(1, 101, 16160, 0));
        _clock.Advance(TimeSpan.FromMilliseconds(20));

        phone.Write(Rtp(7, 50000, 900, 0)); // the phone switched to echoing: a new SSRC and counters upstream

        var sequences = _subscriber.Sent.Select(p => RtpPacket.SequenceNumber(p)).ToArray();
        var timestamps = _subscriber.Sent.Select(p => RtpPacket.Timestamp(p)).ToArray();
        Assert.Equal((ushort)(sequences[0] + 1), sequences[1]);
        Assert.Equal((ushort)(sequences[1] + 1), sequences[2]);
        Assert.Equal(160u, timestamps[1] - timestamps[0]);
        Assert.Equal(160u, timestamps[2] - timestamps[1]); // 20 ms at 8 kHz
    }

    [Fact]
    public void ForwardingOff_SendsNothing_ButKeepsTheSinks()
    {
        _relay.AddSource("s", _publisher, 1111);
        _relay.AddSink("s", _subscriber, 2222, new Dictionary<byte, byte> { [0] = 0 });

        Assert.True(_relay.SetForwarding("s", enabled: false));
        _publisher.Receive(Rtp(1111, 10, 1600, 0));

        Assert.Empty(_subscriber.Sent);
        Assert.Equal(new RelayStreamStats(1, 0, false, 1), _relay.GetStats("s"));
        Assert.False(_relay.SetForwarding("unknown", enabled: false));
    }

    [Fact]
    public void SenderReports_AreRewrittenForEachSubscriber_AndOtherRtcpIsKept()
    {
        _relay.AddSource("s", _publisher, 1111);
        _relay.AddSink("s", _subscriber, 2222, new Dictionary<byte, byte> { [0] = 0 });
        _publisher.Receive(Rtp(1111, 10, 1600, 0));
        var sentTimestamp = RtpPacket.Timestamp(_subscriber.Sent[0]);

        _publisher.ReceiveRtcp(SenderReportWithReceiverReport(ssrc: 1111, rtpTimestamp: 1600));

        var report = Assert.Single(_subscriber.SentRtcp);
        Assert.Equal(28, report.Length);
        Assert.Equal(200, report[1]);
        Assert.Equal(0x80, report[0]); // no report blocks
        Assert.Equal(2222u, BinaryPrimitives.ReadUInt32BigEndian(report.AsSpan(4)));
        Assert.Equal(sentTimestamp, BinaryPrimitives.ReadUInt32BigEndian(report.AsSpan(16)));
        Assert.Equal(1u, BinaryPrimitives.ReadUInt32BigEndian(report.AsSpan(20)));
    }

    [Fact]
    public void SenderReports_BeforeAnyPacketWasForwardedToTheSubscriber_AreNotSent()
    {
        _relay.AddSource("s", _publisher, 1111);
        _relay.AddSink("s", _subscriber, 2222, new Dictionary<byte, byte> { [0] = 0 });

        _publisher.ReceiveRtcp(SenderReportWithReceiverReport(ssrc: 1111, rtpTimestamp: 1600));

        Assert.Empty(_subscriber.SentRtcp);
    }

    [Fact]
    public void SenderReports_WhileForwardingIsOff_AreNotSent()
    {
        _relay.AddSource("s", _publisher, 1111);
        _relay.AddSink("s", _subscriber, 2222, new Dictionary<byte, byte> { [0] = 0 });
        _publisher.Receive(Rtp(1111, 10, 1600, 0));

        _relay.SetForwarding("s", enabled: false);
        _publisher.ReceiveRtcp(SenderReportWithReceiverReport(ssrc: 1111, rtpTimestamp: 3200));

        Assert.Empty(_subscriber.SentRtcp);
    }

    [Fact]
    public void RemovedSourceOrSink_StopsForwarding()
    {
        _relay.AddSource("s", _publisher, 1111);
        _relay.AddSink("s", _subscriber, 2222, new Dictionary<byte, byte> { [0] = 0 });
        _relay.RemoveSink("s", _subscriber);
        _publisher.Receive(Rtp(1111, 10, 1600, 0));
        Assert.Empty(_subscriber.Sent);

        _relay.RemoveSource("s");

        Assert.Null(_relay.GetStats("s"));
        Assert.False(_publisher.HasListeners);
    }

    [Fact]
    public void Totals_CountEveryStreamsPackets_AndKeepThoseOfRemovedStreams()
    {
        _relay.AddSource("s", _publisher, 1111);
        _relay.AddSink("s", _subscriber, 2222, new Dictionary<byte, byte> { [0] = 0 });
        _publisher.Receive(Rtp(1111, 10, 1600, 0));
        _publisher.Receive(Rtp(1111, 11, 1760, 0));
        Assert.Equal(new RelayTotals(2, 2), _relay.Totals());

        _relay.RemoveSource("s"); // a metric counter never goes back
        var other = new FakeConnection();
        _relay.AddSource("t", other, 3333);
        other.Receive(Rtp(3333, 1, 160, 0));

        Assert.Equal(new RelayTotals(3, 2), _relay.Totals());
    }

    private static byte[] Rtp(uint ssrc, ushort sequence, uint timestamp, byte payloadType)
    {
        var packet = new byte[RtpPacket.HeaderLength + 160];
        RtpPacket.WriteHeader(packet, payloadType, marker: false, sequence, timestamp, ssrc);
        return packet;
    }

    private static byte[] SenderReportWithReceiverReport(uint ssrc, uint rtpTimestamp)
    {
        var compound = new byte[28 + 8];
        compound[0] = 0x80;
        compound[1] = 200;
        BinaryPrimitives.WriteUInt16BigEndian(compound.AsSpan(2), 6);
        BinaryPrimitives.WriteUInt32BigEndian(compound.AsSpan(4), ssrc);
        BinaryPrimitives.WriteUInt32BigEndian(compound.AsSpan(16), rtpTimestamp);
        compound[28] = 0x80;
        compound[29] = 201; // an empty receiver report: not forwarded
        BinaryPrimitives.WriteUInt16BigEndian(compound.AsSpan(30), 1);
        return compound;
    }

    private sealed class FakeConnection : IMediaConnection
    {
        public List<byte[]> Sent { get; } = [];

        public List<byte[]> SentRtcp { get; } = [];

        public bool HasListeners => RtpReceived is not null || RtcpReceived is not null;

        public string LocalIceUfrag => "u";

        public string LocalIcePassword => "p";

        public MediaConnectionState State => MediaConnectionState.Connected;

        public event Action<IMediaConnection, MediaConnectionState>? StateChanged
        {
            add { }
            remove { }
        }

        public event MediaPacketHandler? RtpReceived;

        public event MediaPacketHandler? RtcpReceived;

        public void Receive(byte[] packet) => RtpReceived?.Invoke(this, packet);

        public void ReceiveRtcp(byte[] packet) => RtcpReceived?.Invoke(this, packet);

        public void UpdateRemote(string? remoteIceUfrag, string? remoteFingerprint)
        {
        }

        public void RestartIce()
        {
        }

        public bool TrySendRtp(ReadOnlySpan<byte> rtpPacket)
        {
            Sent.Add(rtpPacket.ToArray());
            return true;
        }

        public bool TrySendRtcp(ReadOnlySpan<byte> rtcpPacket)
        {
            SentRtcp.Add(rtcpPacket.ToArray());
            return true;
        }

        public ValueTask DisposeAsync() => ValueTask.CompletedTask;
    }
}

using System.Buffers.Binary;
using System.Collections.Immutable;
using HelloWorld.Emulator.Media.Rtp;
using Microsoft.Extensions.Logging;

namespace HelloWorld.Emulator.Media.Relay;

/// <summary>
/// Forwards every published stream to its sinks. Packets arrive on the media socket's thread (browsers) or a phone's
/// timer (simulated phones); each is copied once per sink, rewritten for that sink and sent without waiting on anyone.
/// Sinks live in immutable arrays swapped under a lock, so the packet path never takes the lock.
/// </summary>
internal sealed partial class MediaRelay(TimeProvider clock, ILogger<MediaRelay> logger) : IMediaRelay
{
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Source> _sources = new(StringComparer.Ordinal);
    private readonly Dictionary<IMediaConnection, Tap> _taps = [];

    // The packets of streams removed already, so that the totals never go back.
    private long _retiredReceived;
    private long _retiredForwarded;

    /// <summary>A stream published again (a new connection after an ICE failure, a new SSRC) keeps its sinks and switch.</summary>
    public void AddSource(string streamId, IMediaConnection connection, uint ssrc)
    {
        lock (_gate)
        {
            var previous = _sources.GetValueOrDefault(streamId);
            RemoveSourceLocked(streamId);
            var source = new Source(connection, ssrc, clock) { Sinks = previous?.Sinks ?? [], Forwarding = previous?.Forwarding ?? true };
            _sources[streamId] = source;
            if (!_taps.TryGetValue(connection, out var tap))
            {
                tap = new Tap(connection);
                _taps[connection] = tap;
            }
            tap.Add(ssrc, source);
        }
    }

    public IRtpSink AddInternalSource(string streamId)
    {
        lock (_gate)
        {
            RemoveSourceLocked(streamId);
            var source = new Source(null, 0, clock);
            _sources[streamId] = source;
            return source;
        }
    }

    public void RemoveSource(string streamId)
    {
        lock (_gate)
        {
            RemoveSourceLocked(streamId);
        }
    }

    public void AddSink(string streamId, IMediaConnection subscriber, uint outSsrc, IReadOnlyDictionary<byte, byte> payloadTypes, int clockRate = 8000)
    {
        lock (_gate)
        {
            if (_sources.TryGetValue(streamId, out var source))
            {
                source.Sinks = source.Sinks.RemoveAll(sink => sink.Subscriber == subscriber)
                    .Add(new Sink(subscriber, null, new RtpRewriter(outSsrc, clockRate, clock), Sink.MapPayloadTypes(payloadTypes)));
            }
            else
            {
                Log.UnknownStream(logger, streamId);
            }
        }
    }

    public void AddInternalSink(string streamId, IRtpSink receiver)
    {
        lock (_gate)
        {
            if (_sources.TryGetValue(streamId, out var source))
            {
                source.Sinks = source.Sinks.RemoveAll(sink => sink.Receiver == receiver).Add(new Sink(null, receiver, null, null));
            }
        }
    }

    public void RemoveSink(string streamId, IMediaConnection subscriber)
    {
        lock (_gate)
        {
            if (_sources.TryGetValue(streamId, out var source))
            {
                source.Sinks = source.Sinks.RemoveAll(sink => sink.Subscriber == subscriber);
            }
        }
    }

    public void RemoveInternalSink(string streamId, IRtpSink receiver)
    {
        lock (_gate)
        {
            if (_sources.TryGetValue(streamId, out var source))
            {
                source.Sinks = source.Sinks.RemoveAll(sink => sink.Receiver == receiver);
            }
        }
    }

    public bool SetForwarding(string streamId, bool enabled)
    {
        lock (_gate)
        {
            if (!_sources.TryGetValue(streamId, out var source))
            {
                return false;
            }
            source.Forwarding = enabled;
            return true;
        }
    }

    public RelayStreamStats? GetStats(string streamId)
    {
        lock (_gate)
        {
            return _sources.TryGetValue(streamId, out var source)
                ? new RelayStreamStats(Interlocked.Read(ref source.PacketsReceived), Interlocked.Read(ref source.PacketsForwarded), source.Forwarding, source.Sinks.Length)
                : null;
        }
    }

    public RelayTotals Totals()
    {
        lock (_gate)
        {
            long received = _retiredReceived, forwarded = _retiredForwarded;
            foreach (var source in _sources.Values)
            {
                received += Interlocked.Read(ref source.PacketsReceived);
                forwarded += Interlocked.Read(ref source.PacketsForwarded);
            }
            return new RelayTotals(received, forwarded);
        }
    }

    private void RemoveSourceLocked(string streamId)
    {
        if (!_sources.Remove(streamId, out var source))
        {
            return;
        }
        _retiredReceived += Interlocked.Read(ref source.PacketsReceived);
        _retiredForwarded += Interlocked.Read(ref source.PacketsForwarded);
        if (source.Connection is null)
        {
            return;
        }
        if (_taps.TryGetValue(source.Connection, out var tap) && tap.Remove(source.Ssrc))
        {
            _taps.Remove(source.Connection);
        }
    }

    /// <summary>A publishing connection's packets, sorted by SSRC to their streams.</summary>
    private sealed class Tap
    {
        private readonly IMediaConnection _connection;
        // A connection publishes one stream or a few: a short array searched in order costs a packet less than a tree of
        // hash buckets, whose code and nodes have left the caches in the milliseconds between packets.
        private volatile (uint Ssrc, Source Source)[] _bySsrc = [];

        public Tap(IMediaConnection connection)
        {
            _connection = connection;
            connection.RtpReceived += OnRtp;
            connection.RtcpReceived += OnRtcp;
        }

        // Add and Remove are called with the relay's lock held; the packet path reads whichever array is current.
        public void Add(uint ssrc, Source source) => _bySsrc = [.. _bySsrc.Where(entry => entry.Ssrc != ssrc), (ssrc, source)];

        /// <summary>Forgets the SSRC; true when nothing is left to tap.</summary>
        public bool Remove(uint ssrc)
        {
            _bySsrc = [.. _bySsrc.Where(entry => entry.Ssrc != ssrc)];
            if (_bySsrc.Length > 0)
            {
                return false;
            }
            _connection.RtpReceived -= OnRtp;
            _connection.RtcpReceived -= OnRtcp;
            return true;
        }

        private void OnRtp(IMediaConnection connection, ReadOnlySpan<byte> packet)
        {
            if (RtpPacket.IsValid(packet) && Find(RtpPacket.Ssrc(packet)) is { } source)
            {
                source.Write(packet);
            }
        }

        private Source? Find(uint ssrc)
        {
            foreach (var entry in _bySsrc)
            {
                if (entry.Ssrc == ssrc)
                {
                    return entry.Source;
                }
            }
            return null;
        }

        /// <summary>Sender reports go on to subscribers, rewritten; everything else from a publisher stays here.</summary>
        private void OnRtcp(IMediaConnection connection, ReadOnlySpan<byte> compound)
        {
            var offset = 0;
            while (offset + 8 <= compound.Length)
            {
                var length = 4 * (BinaryPrimitives.ReadUInt16BigEndian(compound[(offset + 2)..]) + 1);
                if (offset + length > compound.Length)
                {
                    return;
                }
                var packet = compound.Slice(offset, length);
                if (packet[1] == SenderReport.PacketType && packet.Length >= SenderReport.Length &&
                    Find(BinaryPrimitives.ReadUInt32BigEndian(packet[4..])) is { } source)
                {
                    source.ForwardSenderReport(packet);
                }
                offset += length;
            }
        }
    }

    private sealed class Source(IMediaConnection? connection, uint ssrc, TimeProvider clock) : IRtpSink
    {
        private readonly byte[] _scratch = new byte[2048];
        public long PacketsReceived;
        public long PacketsForwarded;

        public IMediaConnection? Connection { get; } = connection;

        public uint Ssrc { get; } = ssrc;

        public volatile bool Forwarding = true;

        public ImmutableArray<Sink> Sinks = [];

        public void Write(ReadOnlySpan<byte> packet)
        {
            Interlocked.Increment(ref PacketsReceived);
            if (!Forwarding || packet.Length > _scratch.Length)
            {
                return;
            }
            // What every copy shares is worked out once per packet: with fifty subscribers the per-copy work is the bill.
            var payloadLength = RtpPacket.Payload(packet).Length;
            var now = clock.GetTimestamp();
            var forwarded = 0;
            // One producer at a time per source (its connection's receive thread, or its phone's timer), so one scratch buffer.
            foreach (var sink in Sinks)
            {
                if (sink.Forward(packet, payloadLength, now, _scratch))
                {
                    forwarded++;
                }
            }
            Interlocked.Add(ref PacketsForwarded, forwarded);
        }

        public void ForwardSenderReport(ReadOnlySpan<byte> report)
        {
            if (!Forwarding)
            {
                return;
            }
            Span<byte> copy = stackalloc byte[SenderReport.Length];
            foreach (var sink in Sinks)
            {
                // Before the first packet a rewriter has no time base for this subscriber: a report would give the
                // browser a bogus mapping from RTP to wall-clock time, and count packets it never got.
                if (sink is { Subscriber: { } subscriber, Rewriter: { PacketsSent: > 0 } rewriter })
                {
                    SenderReport.Rewrite(report, copy, rewriter);
                    subscriber.TrySendRtcp(copy);
                }
            }
        }
    }

    /// <param name="PayloadTypes">The subscriber's payload type for each of the source's (indexed by it), or <see cref="Sink.NotForwarded"/>.</param>
    private sealed record Sink(IMediaConnection? Subscriber, IRtpSink? Receiver, RtpRewriter? Rewriter, byte[]? PayloadTypes)
    {
        public const byte NotForwarded = 0xFF;

        /// <summary>A table rather than a dictionary: one small array to look in per copy, not three objects.</summary>
        public static byte[] MapPayloadTypes(IReadOnlyDictionary<byte, byte> payloadTypes)
        {
            var map = new byte[128];
            Array.Fill(map, NotForwarded);
            foreach (var (from, to) in payloadTypes)
            {
                if (from < map.Length && to < map.Length)
                {
                    map[from] = to;
                }
            }
            return map;
        }

        public bool Forward(ReadOnlySpan<byte> packet, int payloadLength, long now, byte[] scratch)
        {
            if (Receiver is not null)
            {
                Receiver.Write(packet);
                return true;
            }
            var payloadType = PayloadTypes![RtpPacket.PayloadType(packet)];
            if (payloadType == NotForwarded)
            {
                return false;
            }
            var copy = scratch.AsSpan(0, packet.Length);
            packet.CopyTo(copy);
            RtpPacket.SetPayloadType(copy, payloadType);
            Rewriter!.Rewrite(copy, payloadLength, now);
            return Subscriber!.TrySendRtp(copy);
        }
    }

    /// <summary>An RTCP sender report (RFC 3550 §6.4.1) without report blocks, as the relay sends it on.</summary>
    private static class SenderReport
    {
        public const byte PacketType = 200;
        public const int Length = 28;

        /// <summary>The subscriber's SSRC and RTP time base, and what this relay sent it, with the publisher's NTP time.</summary>
        public static void Rewrite(ReadOnlySpan<byte> report, Span<byte> copy, RtpRewriter rewriter)
        {
            report[..Length].CopyTo(copy);
            copy[0] = 0x80; // no report blocks: those describe what the publisher received, not this subscriber
            BinaryPrimitives.WriteUInt16BigEndian(copy[2..], Length / 4 - 1);
            BinaryPrimitives.WriteUInt32BigEndian(copy[4..], rewriter.OutSsrc);
            BinaryPrimitives.WriteUInt32BigEndian(copy[16..], BinaryPrimitives.ReadUInt32BigEndian(report[16..]) + rewriter.TimestampOffset);
            BinaryPrimitives.WriteUInt32BigEndian(copy[20..], (uint)rewriter.PacketsSent);
            BinaryPrimitives.WriteUInt32BigEndian(copy[24..], (uint)rewriter.OctetsSent);
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 9401, Level = LogLevel.Debug, Message = "Relay: no stream {StreamId} to forward")]
        public static partial void UnknownStream(ILogger logger, string streamId);
    }
}

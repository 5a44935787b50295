namespace HelloWorld.Emulator.Media.Relay;

/// <summary>
/// The selective forwarding unit: published audio streams in, one copy per subscriber out, each copy with its own SSRC,
/// sequence numbers and timestamps and the payload types that subscriber negotiated. Signaling decides who receives what;
/// the relay only moves packets.
/// </summary>
internal interface IMediaRelay
{
    /// <summary>A browser's published stream: the RTP with <paramref name="ssrc"/> arriving on <paramref name="connection"/>.</summary>
    void AddSource(string streamId, IMediaConnection connection, uint ssrc);

    /// <summary>A stream produced inside the emulator (a simulated phone). Packets written to the result are forwarded.</summary>
    IRtpSink AddInternalSource(string streamId);

    /// <summary>Stops forwarding the stream to everyone and forgets it.</summary>
    void RemoveSource(string streamId);

    /// <summary>
    /// Forwards <paramref name="streamId"/> to a browser's subscribing connection as <paramref name="outSsrc"/>.
    /// <paramref name="payloadTypes"/> maps the source's payload types to the subscriber's; other packets are dropped.
    /// <paramref name="clockRate"/> is the RTP clock of the stream's codec, to keep timestamps continuous across switches.
    /// </summary>
    void AddSink(string streamId, IMediaConnection subscriber, uint outSsrc, IReadOnlyDictionary<byte, byte> payloadTypes, int clockRate = 8000);

    /// <summary>Forwards <paramref name="streamId"/> to a receiver inside the emulator (a simulated phone's ear).</summary>
    void AddInternalSink(string streamId, IRtpSink receiver);

    void RemoveSink(string streamId, IMediaConnection subscriber);

    void RemoveInternalSink(string streamId, IRtpSink receiver);

    /// <summary>Switches forwarding of a stream off or on (subscribers keep it, silent). False for an unknown stream.</summary>
    bool SetForwarding(string streamId, bool enabled);

    /// <summary>Packets received from the stream's source and copies sent, so far; <c>null</c> for an unknown stream.</summary>
    RelayStreamStats? GetStats(string streamId);

    /// <summary>Every stream's packets so far, removed streams included.</summary>
    RelayTotals Totals();
}

/// <summary>Takes plain RTP packets one at a time; the span is valid only during the call.</summary>
internal interface IRtpSink
{
    void Write(ReadOnlySpan<byte> rtpPacket);
}

internal sealed record RelayStreamStats(long PacketsReceived, long PacketsForwarded, bool Forwarding, int Sinks);

internal sealed record RelayTotals(long PacketsReceived, long PacketsForwarded);

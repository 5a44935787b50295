using System.Net;

namespace HelloWorld.Emulator.Media;

/// <summary>
/// The emulator's media plane as signaling sees it: one UDP socket shared by every browser peer connection
/// (ICE-lite, DTLS-SRTP), plus plain RTP in and out of each connection.
/// </summary>
internal interface IMediaServer
{
    /// <summary>The host candidate every SDP the emulator writes carries.</summary>
    IPEndPoint CandidateEndPoint { get; }

    /// <summary>SHA-256 fingerprint of the emulator's DTLS certificate as SDP writes it (<c>AB:CD:...</c>).</summary>
    string CertificateFingerprint { get; }

    /// <summary>
    /// Prepares the transport of one browser peer connection, before the browser's first STUN check arrives.
    /// </summary>
    /// <param name="role">
    /// <see cref="MediaConnectionRole.Publish"/>: the browser sends; the emulator answered <c>setup:passive</c> and is the DTLS server.
    /// <see cref="MediaConnectionRole.Subscribe"/>: the emulator sends; the browser answers <c>setup:passive</c>, so the emulator is the DTLS client.
    /// </param>
    /// <param name="remoteIceUfrag">The browser's <c>a=ice-ufrag</c> (STUN USERNAME is <c>local:remote</c>); <c>null</c> until known.</param>
    /// <param name="remoteFingerprint">The browser's <c>a=fingerprint</c> (sha-256); its DTLS certificate must match.</param>
    IMediaConnection CreateConnection(MediaConnectionRole role, string? remoteIceUfrag, string? remoteFingerprint);
}

internal enum MediaConnectionRole
{
    Publish,
    Subscribe,
}

internal enum MediaConnectionState
{
    New,
    Connecting,
    Connected,
    Closed,
}

/// <summary>Plain (decrypted) RTP or RTCP that arrived on a connection. Valid only during the call; copy to keep.</summary>
internal delegate void MediaPacketHandler(IMediaConnection connection, ReadOnlySpan<byte> packet);

internal interface IMediaConnection : IAsyncDisposable
{
    string LocalIceUfrag { get; }

    string LocalIcePassword { get; }

    MediaConnectionState State { get; }

    /// <summary>Raised on every state change; <see cref="MediaConnectionState.Closed"/> also after ~30 s without consent checks.</summary>
    event Action<IMediaConnection, MediaConnectionState>? StateChanged;

    /// <summary>Decrypted RTP, on the receive thread: handlers must not block.</summary>
    event MediaPacketHandler? RtpReceived;

    /// <summary>Decrypted RTCP (compound packet), on the receive thread: handlers must not block.</summary>
    event MediaPacketHandler? RtcpReceived;

    /// <summary>
    /// Applies the browser's credentials from a later offer or answer (an ICE restart changes them). The DTLS association
    /// is kept when the fingerprint is unchanged.
    /// </summary>
    void UpdateRemote(string? remoteIceUfrag, string? remoteFingerprint);

    /// <summary>Protects and sends one plain RTP packet; false when the connection has no keys yet or is closed.</summary>
    bool TrySendRtp(ReadOnlySpan<byte> rtpPacket);

    /// <summary>Protects and sends one plain RTCP packet; false when the connection has no keys yet or is closed.</summary>
    bool TrySendRtcp(ReadOnlySpan<byte> rtcpPacket);
}

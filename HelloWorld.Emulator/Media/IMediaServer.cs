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
    /// <summary>No consent check yet. Without one for the consent timeout the connection closes: nothing was ever set up.</summary>
    New,

    /// <summary>The browser's address is known; the DTLS handshake is under way.</summary>
    Connecting,

    /// <summary>SRTP keys on both sides: media flows.</summary>
    Connected,

    /// <summary>
    /// No consent checks for the consent timeout: nothing is sent and the browser's address is forgotten, but the DTLS
    /// association and its SRTP keys are kept. A browser keeps its own across an ICE restart (the fingerprint is
    /// unchanged), so a check with the new credentials revives the connection and media flows again without a handshake.
    /// </summary>
    Disconnected,

    /// <summary>Disposed by signaling, or reaped while still <see cref="New"/>.</summary>
    Closed,
}

/// <summary>Plain (decrypted) RTP or RTCP that arrived on a connection. Valid only during the call; copy to keep.</summary>
internal delegate void MediaPacketHandler(IMediaConnection connection, ReadOnlySpan<byte> packet);

internal interface IMediaConnection : IAsyncDisposable
{
    /// <summary>The emulator's ICE credentials for this connection; <see cref="RestartIce"/> changes them.</summary>
    string LocalIceUfrag { get; }

    string LocalIcePassword { get; }

    MediaConnectionState State { get; }

    /// <summary>
    /// Raised on every state change, off the caller's thread: <see cref="MediaConnectionState.Disconnected"/> after the
    /// consent timeout without checks, <see cref="MediaConnectionState.Closed"/> for a connection that never had one.
    /// </summary>
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

    /// <summary>
    /// New local ICE credentials, for an offer the emulator makes to restart ICE (a browser only restarts ICE on a
    /// connection where it is the offerer). The browser's credentials are forgotten until its answer brings new ones;
    /// the DTLS association and SRTP keys are kept.
    /// </summary>
    void RestartIce();

    /// <summary>Protects and sends one plain RTP packet; false when the connection has no keys yet or is closed.</summary>
    bool TrySendRtp(ReadOnlySpan<byte> rtpPacket);

    /// <summary>Protects and sends one plain RTCP packet; false when the connection has no keys yet or is closed.</summary>
    bool TrySendRtcp(ReadOnlySpan<byte> rtcpPacket);
}

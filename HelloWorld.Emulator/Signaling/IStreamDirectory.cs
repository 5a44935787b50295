namespace HelloWorld.Emulator.Signaling;

/// <summary>What devices are connected and what they publish, for the control API and the phone simulator.</summary>
internal interface IStreamDirectory
{
    IReadOnlyList<ConnectedDeviceInfo> Devices { get; }

    IReadOnlyList<PublishedStreamInfo> PublishedStreams { get; }

    /// <summary>
    /// Switches forwarding of one published stream off or on: subscribers keep the stream but receive no packets.
    /// The negative control of the media tests. False when no such stream is published.
    /// </summary>
    bool SetForwarding(string streamId, bool enabled);

    /// <summary>
    /// Drops the signaling WebSocket of the browser connected as <paramref name="participantId"/> (see
    /// <see cref="Browser.BrowserDevice.DropAsync"/>). False when no browser is connected as that participant.
    /// </summary>
    Task<bool> DropBrowserAsync(string participantId, int? closeCode);
}

/// <param name="Kind"><c>browser</c> for a WebSocket device, <c>phone</c> for a simulated phone transferred into WebRTC.</param>
/// <param name="OfferSdpCount">Publish offers received; a connected page that keeps re-offering is restarting ICE.</param>
internal sealed record ConnectedDeviceInfo(
    string ParticipantId,
    string Kind,
    DateTimeOffset ConnectedAt,
    int OfferSdpCount,
    string PublishState,
    string SubscribeState);

internal sealed record PublishedStreamInfo(
    string StreamId,
    string ParticipantId,
    IReadOnlyList<string> MediaTypes,
    string? Alias,
    bool Forwarding,
    long PacketsForwarded);

namespace HelloWorld.Blazor.Components.Call;

/// <summary>
/// What the page is doing, or why it cannot. A join goes Joining → Connecting → Publishing → Connected (or one of the
/// microphone problems, where the page still listens); it stops at SdkUnavailable, BandwidthUnavailable or ConnectFailed,
/// from which "Try again" starts at Joining; at NoWebRtcAccess, which no retry mends; or at WaitingForPlace, left by
/// itself once a place frees up. Reconnecting goes back to where it was, or to Joining with a fresh participant. Switching the microphone, or trying it again, goes back through Publishing.
/// AppStopped ends it all: the app told the page to leave because it is shutting down.
/// </summary>
public enum CallPageStatus
{
    /// <summary>Loading the SDK and asking Bandwidth for a participant.</summary>
    Joining,
    Connecting,
    Publishing,
    Connected,
    MicrophoneDenied,
    MicrophoneMissing,
    MicrophoneBusy,
    MicrophoneFailed,
    ConnectFailed,
    BandwidthUnavailable,

    /// <summary>Bandwidth answered 403: this account has no WebRTC API (<see cref="Bandwidth.WebRtc.WebRtcApiClient.NoWebRtcAccess"/>).</summary>
    NoWebRtcAccess,

    /// <summary>The call is full, or this client is in it as often as it may be; the page joins once a place frees up.</summary>
    WaitingForPlace,

    /// <summary>In the call, the SDK's connection to Bandwidth lost; the page rejoins if it does not come back.</summary>
    Reconnecting,

    /// <summary>The browser SDK's module did not load or could not make a client.</summary>
    SdkUnavailable,

    /// <summary>The app is shutting down: the page has left the call and lets go of the microphone.</summary>
    AppStopped,
}

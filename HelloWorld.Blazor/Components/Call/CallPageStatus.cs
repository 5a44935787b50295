namespace HelloWorld.Blazor.Components.Call;

/// <summary>
/// What the page is doing, or why it cannot. A join goes Joining → Connecting → Publishing → Connected (or one of the
/// microphone problems, where the page still listens); it stops at SdkUnavailable, BandwidthUnavailable or ConnectFailed,
/// from which "Try again" starts at Joining. Switching the microphone, or trying it again, goes back through Publishing.
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

    /// <summary>The browser SDK's module did not load or could not make a client.</summary>
    SdkUnavailable,

    /// <summary>The app is shutting down: the page has left the call and lets go of the microphone.</summary>
    AppStopped,
}

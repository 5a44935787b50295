namespace HelloWorld.Blazor.Components.Call;

/// <summary>What the page is doing, or why it cannot.</summary>
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
}

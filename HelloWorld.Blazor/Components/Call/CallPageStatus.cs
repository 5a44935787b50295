namespace HelloWorld.Blazor.Components.Call;

/// <summary>What the page is doing, or why it cannot.</summary>
public enum CallPageStatus
{
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
}

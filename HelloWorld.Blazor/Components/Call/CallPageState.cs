using HelloWorld.Blazor.Bandwidth;
using Microsoft.JSInterop;

namespace HelloWorld.Blazor.Components.Call;

/// <summary>
/// The page's status with the detail its banner shows, and what follows from it. Immutable: <see cref="BrowserCall"/>
/// moves from one to the next as the join goes on.
/// </summary>
/// <param name="Detail">Why the step failed, in words fit for the person at the page; null when nothing failed.</param>
public sealed record CallPageState(CallPageStatus Status, string? Detail = null)
{
    public static CallPageState Joining { get; } = new(CallPageStatus.Joining);

    public static CallPageState Connecting { get; } = new(CallPageStatus.Connecting);

    public static CallPageState Publishing { get; } = new(CallPageStatus.Publishing);

    public static CallPageState ConnectFailed { get; } = new(CallPageStatus.ConnectFailed);

    /// <summary>Connected to Bandwidth, whether or not the microphone works: the page can still listen and dial.</summary>
    public bool IsInCall => Status is CallPageStatus.Publishing or CallPageStatus.Connected or CallPageStatus.MicrophoneDenied
        or CallPageStatus.MicrophoneMissing or CallPageStatus.MicrophoneBusy or CallPageStatus.MicrophoneFailed;

    /// <summary>The microphone is published: muting, switching it and sending tones make sense.</summary>
    public bool IsPublishing => Status == CallPageStatus.Connected;

    /// <summary>
    /// The module failed to load or to make a client (a bundle missing, blocked or broken, a browser without WebRTC), or
    /// took longer than the interop timeout.
    /// </summary>
    public static CallPageState SdkUnavailable(Exception failure) => new(CallPageStatus.SdkUnavailable,
        failure is JSException ? BandwidthSdk.FirstLine(failure.Message) : "it took too long to load");

    public static CallPageState BandwidthUnavailable(BandwidthException failure) => new(CallPageStatus.BandwidthUnavailable,
        failure is BandwidthUnavailableException ? "it did not answer in time." : failure.Message);

    /// <summary>Where the module's <c>publish</c> leaves the page: its error kinds are the module's own words.</summary>
    public static CallPageState Published(PublishResult result) => new(result.Error switch
    {
        null => CallPageStatus.Connected,
        "microphone-denied" => CallPageStatus.MicrophoneDenied,
        "microphone-missing" => CallPageStatus.MicrophoneMissing,
        "microphone-busy" => CallPageStatus.MicrophoneBusy,
        _ => CallPageStatus.MicrophoneFailed,
    }, result.Message);
}

using System.Net;
using HelloWorld.Blazor.Bandwidth;
using HelloWorld.Blazor.Bandwidth.WebRtc;
using HelloWorld.Blazor.Conference;
using Microsoft.JSInterop;

namespace HelloWorld.Blazor.Components.Call;

/// <summary>
/// The page's status with the technical reason behind a failure, and what follows from it. Immutable:
/// <see cref="BrowserCall"/> moves from one to the next as the join goes on.
/// </summary>
/// <param name="Detail">
/// Why a step failed as the browser or Bandwidth put it (an HTTP status, a browser error), shown on a details line under
/// the page's own words; null when nothing failed.
/// </param>
public sealed record CallPageState(CallPageStatus Status, string? Detail = null)
{
    public static CallPageState Joining { get; } = new(CallPageStatus.Joining);

    public static CallPageState Connecting { get; } = new(CallPageStatus.Connecting);

    public static CallPageState Publishing { get; } = new(CallPageStatus.Publishing);

    public static CallPageState AppStopped { get; } = new(CallPageStatus.AppStopped);

    /// <summary>Why the page waits for a place (<see cref="CallPageStatus.WaitingForPlace"/>); null otherwise.</summary>
    public ParticipantRefusal? Refusal { get; init; }

    /// <summary>The call is full, or this client holds its share of it: the page joins once a place frees up.</summary>
    public static CallPageState WaitingForPlace(ParticipantRefusedException refused) =>
        new(CallPageStatus.WaitingForPlace, refused.Message) { Refusal = refused.Reason };

    /// <summary>The SDK lost its connection to Bandwidth while in the call; the media may still flow.</summary>
    public static CallPageState Reconnecting { get; } = new(CallPageStatus.Reconnecting);

    /// <summary>Connected to Bandwidth, whether or not the microphone works: the page can still listen and dial.</summary>
    public bool IsInCall => Status is CallPageStatus.Publishing or CallPageStatus.Connected or CallPageStatus.Reconnecting || IsMicrophoneProblem;

    /// <summary>The microphone is published: muting it and sending tones make sense.</summary>
    public bool IsPublishing => Status == CallPageStatus.Connected;

    /// <summary>In the call, listening, without a microphone: trying it again makes sense.</summary>
    public bool IsMicrophoneProblem => Status is CallPageStatus.MicrophoneDenied or CallPageStatus.MicrophoneMissing
        or CallPageStatus.MicrophoneBusy or CallPageStatus.MicrophoneFailed;

    /// <summary>The join stopped; "Try again" starts it over.</summary>
    public bool IsJoinFailure => Status is CallPageStatus.ConnectFailed or CallPageStatus.BandwidthUnavailable or CallPageStatus.SdkUnavailable;

    /// <summary>
    /// The module failed to load or to make a client (a bundle missing, blocked or broken, a browser without WebRTC), or
    /// took longer than the interop timeout.
    /// </summary>
    public static CallPageState SdkUnavailable(Exception failure) => new(CallPageStatus.SdkUnavailable,
        failure is JSException ? BandwidthSdk.FirstLine(failure.Message) : "The browser did not answer in time.");

    /// <summary>A 403 from the WebRTC API has a sentence of its own: the account cannot use WebRTC, and trying again will not help.</summary>
    public static CallPageState BandwidthUnavailable(BandwidthException failure) =>
        failure is BandwidthApiException { StatusCode: HttpStatusCode.Forbidden } && failure.Message == WebRtcApiClient.NoWebRtcAccess
            ? new(CallPageStatus.NoWebRtcAccess, failure.Message)
            : new(CallPageStatus.BandwidthUnavailable, failure.Message);

    public static CallPageState ConnectFailed(string reason) => new(CallPageStatus.ConnectFailed, reason);

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

using Microsoft.AspNetCore.Components;

namespace HelloWorld.Blazor.Components.Call;

/// <summary>
/// The browser SDK as the page drives it: one method per export of the page's module. Calls fail with
/// <see cref="Microsoft.JSInterop.JSException"/> when the SDK throws and <see cref="TaskCanceledException"/> when the
/// browser does not answer in time; teardown (<see cref="ReleaseClientAsync"/>, <c>DisposeAsync</c>) never fails.
/// </summary>
internal interface IBandwidthSdk : IAsyncDisposable
{
    /// <summary>A client exists: made by <see cref="StartAsync"/> and not yet released.</summary>
    bool HasClient { get; }

    /// <summary>
    /// Imports the module on first use and makes a new SDK client. False when the SDK was disposed meanwhile (whatever
    /// arrived late has been let go of).
    /// </summary>
    Task<bool> StartAsync();

    Task ConnectAsync(string deviceToken, string? websocketUrl);

    /// <summary>Asks for the microphone and publishes it; waits as long as the person takes to answer the prompt.</summary>
    Task<PublishResult> PublishAsync(PublishConstraints constraints, CancellationToken cancellationToken);

    Task UnpublishAsync();

    Task SetMicrophoneEnabledAsync(bool enabled);

    Task<IReadOnlyList<Microphone>> ListMicrophonesAsync();

    /// <summary>The audio outputs to play the call on; null where the browser cannot choose one.</summary>
    Task<IReadOnlyList<Speaker>?> ListSpeakersAsync();

    Task SetSpeakerAsync(string deviceId);

    /// <summary>Queues one keypad tone; the module sends the queue one tone after the other.</summary>
    Task SendDtmfAsync(string tone);

    /// <summary>Plays the ringback tone, or stops it.</summary>
    Task SetRingbackAsync(bool ringing);

    /// <summary>The browser's time zone (IANA id), for the times the page shows.</summary>
    Task<string> TimeZoneAsync();

    Task AttachStreamAsync(ElementReference element, string endpointId);

    /// <summary>Disconnects the client and lets go of it; the module stays for the next <see cref="StartAsync"/>.</summary>
    Task ReleaseClientAsync();
}

/// <summary>What the SDK announces, as the module calls back into .NET.</summary>
internal interface IBandwidthSdkListener
{
    Task StreamAvailableAsync(RemoteStream stream);

    Task StreamUnavailableAsync(string endpointId);

    /// <summary>The level of the published microphone, as the SDK measures it.</summary>
    Task AudioLevelChangedAsync(AudioLevel level);

    /// <summary>The level of what the person hears: every remote stream together.</summary>
    Task HeardLevelChangedAsync(AudioLevel level);

    /// <summary>A queued keypad tone could not be sent; the tones after it were dropped.</summary>
    Task ToneFailedAsync(string reason);

    /// <summary>The SDK's signaling connection to Bandwidth dropped (false) or came back (true).</summary>
    Task SignalingChangedAsync(bool connected);
}

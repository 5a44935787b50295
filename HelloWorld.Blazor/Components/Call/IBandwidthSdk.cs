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

    Task SendDtmfAsync(string tones);

    Task AttachStreamAsync(ElementReference element, string endpointId);

    /// <summary>Disconnects the client and lets go of it; the module stays for the next <see cref="StartAsync"/>.</summary>
    Task ReleaseClientAsync();
}

/// <summary>What the SDK announces, as the module calls back into .NET.</summary>
internal interface IBandwidthSdkListener
{
    Task StreamAvailableAsync(RemoteStream stream);

    Task StreamUnavailableAsync(string endpointId);

    Task AudioLevelChangedAsync(AudioLevel level);
}

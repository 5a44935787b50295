namespace HelloWorld.Blazor.Components.Call;

/// <summary>A stream the SDK announced (<c>onStreamAvailable</c>). Its MediaStream stays in the browser.</summary>
public sealed record RemoteStream(string EndpointId, string? ParticipantId, string? Alias, IReadOnlyList<string> MediaTypes);

/// <summary>The SDK's audio level of the published microphone.</summary>
public enum AudioLevel
{
    Silent,
    Low,
    High,
}

public sealed record Microphone(string DeviceId, string Label);

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

/// <summary>
/// <c>getUserMedia</c> constraints as the SDK's <c>publish</c> takes them: <c>{audio: true, video: false}</c>, or a chosen microphone.
/// </summary>
public sealed record PublishConstraints(object Audio, bool Video)
{
    public static PublishConstraints AudioOnly(string? microphoneId) =>
        new(microphoneId is null ? true : new { deviceId = new { exact = microphoneId } }, Video: false);
}

/// <summary>What the module's <c>publish</c> returns; <see cref="Error"/> is null on success.</summary>
public sealed record PublishResult(string? Error, string? Message);

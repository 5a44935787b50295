namespace HelloWorld.Blazor.Components.Call;

/// <summary>
/// <c>getUserMedia</c> constraints as the SDK's <c>publish</c> takes them: <c>{audio: true, video: false}</c>, or a chosen microphone.
/// </summary>
public sealed record PublishConstraints(object Audio, bool Video)
{
    public static PublishConstraints AudioOnly(string? microphoneId) =>
        new(microphoneId is null ? true : new { deviceId = new { exact = microphoneId } }, Video: false);
}

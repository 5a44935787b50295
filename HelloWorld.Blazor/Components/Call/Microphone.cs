namespace HelloWorld.Blazor.Components.Call;

/// <summary>An audio input the SDK lists (<c>getAudioInputs</c>), as the microphone picker offers it.</summary>
public sealed record Microphone(string DeviceId, string Label);

namespace HelloWorld.Blazor.Components.Call;

/// <summary>An audio output the SDK lists (<c>getAudioOutputs</c>), as the speaker picker offers it.</summary>
public sealed record Speaker(string DeviceId, string Label);

namespace HelloWorld.Blazor.Components.Call;

/// <summary>The SDK's audio level of the published microphone.</summary>
public enum AudioLevel
{
    Silent,
    Low,
    High,
}

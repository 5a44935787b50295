namespace HelloWorld.Blazor.Components.Call;

/// <summary>A level as the SDK measures one: of the published microphone, or of what the person hears.</summary>
public enum AudioLevel
{
    Silent,
    Low,
    High,
}

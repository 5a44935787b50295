namespace HelloWorld.Blazor.Components.Call;

/// <summary>
/// Something the person asked for that failed, shown where it failed: what happened in words they understand, and the
/// technical reason on a details line of its own.
/// </summary>
public sealed record CallProblem(string Message, string? Details = null);

/// <summary>Where on the page a <see cref="CallProblem"/> of the browser's own controls is shown.</summary>
public enum ProblemPlace
{
    Microphone,
    Speaker,
    Keypad,
    RemoteAudio,
}

namespace HelloWorld.Blazor.Components.Call;

/// <summary>What the module's <c>publish</c> returns; <see cref="Error"/> is null on success.</summary>
public sealed record PublishResult(string? Error, string? Message);

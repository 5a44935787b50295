using System.Text.Json;

namespace HelloWorld.Blazor.Bandwidth;

/// <summary>
/// What a create operation makes at Bandwidth (a participant, a call), where its id sits in the answer, and how to undo
/// it. Bandwidth has created it by the time it answers: if the app then refuses the answer (unreadable, a field missing,
/// too large), the id is still looked for in what arrived, and the resource is deleted or hung up, never orphaned.
/// </summary>
/// <param name="Kind">For the log: "participant", "call".</param>
/// <param name="IdPath">The property names leading to the id from the answer's root object (<c>participant</c>, <c>id</c>).</param>
/// <param name="UndoAsync">Deletes or hangs up what has this id; throws <see cref="BandwidthException"/> when it cannot.</param>
internal sealed record CreatedResource(string Kind, string[] IdPath, Func<string, Task> UndoAsync)
{
    /// <summary>
    /// The id in <paramref name="json"/>, which may be cut short or malformed after it: read token by token, as far as it
    /// goes. <c>null</c> when no non-empty string is found at <see cref="IdPath"/>.
    /// </summary>
    public string? FindId(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, isFinalBlock: false, state: default);
        var names = new string?[IdPath.Length];
        var afterPropertyName = false;
        try
        {
            while (reader.Read())
            {
                var depth = reader.CurrentDepth;
                if (reader.TokenType == JsonTokenType.PropertyName)
                {
                    if (depth >= 1 && depth <= IdPath.Length)
                    {
                        names[depth - 1] = reader.GetString();
                    }
                    afterPropertyName = true;
                    continue;
                }
                if (afterPropertyName && reader.TokenType == JsonTokenType.String && depth == IdPath.Length && names.SequenceEqual(IdPath) &&
                    reader.GetString() is { Length: > 0 } id)
                {
                    return id;
                }
                afterPropertyName = false;
            }
        }
        catch (Exception exception) when (exception is JsonException or InvalidOperationException)
        {
            // Malformed past this point: what was read so far held no id.
        }
        return null;
    }
}

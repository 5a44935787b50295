using System.Text.Json;
using System.Text.Json.Serialization;

namespace LoadTest;

/// <summary>
/// Reads a list, or a single value as a list of one: result files written before the app's figures were per instance
/// (one number, one object) still read, for <c>--median</c>, as one instance's. Writes a list.
/// </summary>
internal sealed class OneOrMany<T> : JsonConverter<IReadOnlyList<T>>
{
    public override IReadOnlyList<T> Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.StartArray
            ? JsonSerializer.Deserialize<List<T>>(ref reader, options)!
            : [JsonSerializer.Deserialize<T>(ref reader, options)!];

    public override void Write(Utf8JsonWriter writer, IReadOnlyList<T> value, JsonSerializerOptions options) =>
        JsonSerializer.Serialize(writer, value, options);
}

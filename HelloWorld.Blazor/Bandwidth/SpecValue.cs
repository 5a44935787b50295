using System.Text.Json;
using System.Text.Json.Serialization;

namespace HelloWorld.Blazor.Bandwidth;

/// <summary>
/// A string enum of Bandwidth's specs, as a value rather than a C# enum: a value the app does not know yet is read and kept
/// as it came instead of failing the whole answer (which, for a create operation, would orphan what Bandwidth created).
/// </summary>
public interface ISpecValue<TSelf> where TSelf : struct, ISpecValue<TSelf>
{
    string Value { get; }

    static abstract TSelf Create(string value);
}

/// <summary>Reads and writes an <see cref="ISpecValue{TSelf}"/> as the plain JSON string the spec shows.</summary>
public sealed class SpecValueConverter<T> : JsonConverter<T> where T : struct, ISpecValue<T>
{
    public override T Read(ref Utf8JsonReader reader, Type typeToConvert, JsonSerializerOptions options) =>
        reader.TokenType == JsonTokenType.String
            ? T.Create(reader.GetString()!)
            : throw new JsonException($"Expected a string for {typeof(T).Name}, found {reader.TokenType}.");

    public override void Write(Utf8JsonWriter writer, T value, JsonSerializerOptions options) => writer.WriteStringValue(value.Value);
}

using System.Text.Json;
using HelloWorld.Blazor.Logging;

namespace HelloWorld.Blazor.Bandwidth;

/// <summary>
/// Bandwidth's error bodies differ by API and status: WebRTC <c>{error, requestId}</c> or <c>{message}</c>,
/// Voice <c>{type, description, id}</c>. A body that is not JSON is kept as text. Every text is cut short and its control
/// characters escaped: it ends up in exception messages that many places log and the page shows.
/// </summary>
internal readonly record struct BandwidthError(string? Message, string? Type, string? Id)
{
    public static BandwidthError Parse(string? content)
    {
        if (string.IsNullOrWhiteSpace(content))
        {
            return default;
        }
        try
        {
            using var document = JsonDocument.Parse(content);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return new BandwidthError(Truncate(content), null, null);
            }
            var root = document.RootElement;
            return new BandwidthError(
                Text(root, "error") ?? Text(root, "message") ?? Text(root, "description"),
                Text(root, "type"),
                Text(root, "requestId") ?? Text(root, "id"));
        }
        catch (JsonException)
        {
            return new BandwidthError(Truncate(content), null, null);
        }
    }

    private static string? Text(JsonElement element, string property) =>
        element.TryGetProperty(property, out var value) && value.ValueKind == JsonValueKind.String ? Truncate(value.GetString()!) : null;

    private static string Truncate(string text) => LogText.Escape(text, 300);
}

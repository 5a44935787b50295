using System.Text.Json;
using System.Text.Json.Serialization;
using Microsoft.AspNetCore.Http;

namespace HelloWorld.Emulator.Http;

/// <summary>JSON as Bandwidth's APIs write it, and their error bodies.</summary>
internal static class ApiResults
{
    public static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web)
    {
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
    };

    public static IResult Ok<T>(T body) => Results.Json(body, Json);

    public static IResult Created<T>(T body) => Results.Json(body, Json, statusCode: StatusCodes.Status201Created);

    /// <summary>
    /// An error in the shape the API under <paramref name="path"/> documents: <c>voiceApiError</c> under the Voice API;
    /// under the WebRTC API <c>unauthorizedRequest</c>/<c>forbiddenRequest</c> (<c>{message}</c>) for 401 and 403 and
    /// <c>requestError</c> for every other status.
    /// </summary>
    public static IResult Error(PathString path, int status, string voiceType, string message) =>
        IsVoiceApi(path) ? VoiceError(status, voiceType, message)
        : status is StatusCodes.Status401Unauthorized or StatusCodes.Status403Forbidden ? Results.Json(new WebRtcMessage(message), Json, statusCode: status)
        : WebRtcError(status, message);

    public static bool IsVoiceApi(PathString path) => path.StartsWithSegments("/emulator/voice", StringComparison.Ordinal);

    /// <summary>The WebRTC API's <c>requestError</c>: <c>{error, requestId}</c>.</summary>
    public static IResult WebRtcError(int status, string error) =>
        Results.Json(new WebRtcRequestError(error, Guid.NewGuid().ToString()), Json, statusCode: status);

    /// <summary>The Voice API's <c>voiceApiError</c>: <c>{type, description, id}</c>.</summary>
    public static IResult VoiceError(int status, string type, string description) =>
        Results.Json(new VoiceApiError(type, description, Guid.NewGuid().ToString()), Json, statusCode: status);

    /// <summary>
    /// Reads a JSON body into <typeparamref name="T"/>; <c>null</c> with an error text when it is not JSON of that shape.
    /// An empty body reads as <paramref name="whenEmpty"/>.
    /// </summary>
    public static async Task<(T? Value, string? Error)> ReadAsync<T>(HttpRequest request, T? whenEmpty = default)
    {
        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, request.HttpContext.RequestAborted).ConfigureAwait(false);
        if (buffer.Length == 0)
        {
            return (whenEmpty, null);
        }
        try
        {
            var value = JsonSerializer.Deserialize<T>(buffer.GetBuffer().AsSpan(0, (int)buffer.Length), Json);
            return value is null ? (whenEmpty, null) : (value, null);
        }
        catch (JsonException exception)
        {
            return (default, $"The request body is not valid JSON of the expected shape: {exception.Message}");
        }
    }

    private sealed record WebRtcRequestError(string Error, string RequestId);

    private sealed record WebRtcMessage(string Message);

    private sealed record VoiceApiError(string Type, string Description, string Id);
}

using System.Net.Http.Json;
using System.Text.Json.Nodes;
using HelloWorld.Testing;

namespace HelloWorld.Blazor.Tests.Browser;

/// <summary>The emulator's control API (HelloWorld.Emulator/CONTROL-API.md), as a test drives it: over HTTP, like any tool.</summary>
public sealed class EmulatorControl(HttpClient http, string baseUrl)
{
    private string Url(string path) => $"{baseUrl}/emulator/control/{path}";

    public async Task<JsonObject> DialInAsync(string from) => await PostAsync("calls", new { from });

    public Task<JsonObject> AnswerAsync(string callId) => PostAsync($"calls/{callId}/answer");

    public Task<JsonObject> HangUpAsync(string callId) => PostAsync($"calls/{callId}/hangup");

    public Task<JsonObject> SetEchoAsync(string callId, bool enabled) => PostAsync($"calls/{callId}/echo", new { enabled });

    public Task<JsonObject> SetForwardingAsync(string streamId, bool enabled) => PostAsync($"streams/{streamId}/forwarding", new { enabled });

    /// <summary>Drops the signaling WebSocket of the browser connected as <paramref name="participantId"/>: cut as a network failure, or closed with <paramref name="closeCode"/>.</summary>
    public Task<JsonObject> DropDeviceAsync(string participantId, int? closeCode = null) =>
        PostAsync($"devices/{participantId}/drop", closeCode is { } code ? new { closeCode = code } : null);

    public async Task<JsonArray> CallsAsync() => (await GetAsync("calls")).AsArray();

    /// <summary>One call, or <c>null</c> when the emulator does not know it (404).</summary>
    public async Task<JsonObject?> CallAsync(string callId)
    {
        using var response = await http.GetAsync(Url($"calls/{Uri.EscapeDataString(callId)}"));
        if (response.StatusCode == System.Net.HttpStatusCode.NotFound)
        {
            return null;
        }
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new Xunit.Sdk.XunitException($"GET calls/{callId} answered {(int)response.StatusCode}: {text}");
        }
        return JsonNode.Parse(text)!.AsObject();
    }

    /// <summary>The emulated API requests served so far: method, path, status, duration.</summary>
    public async Task<IReadOnlyList<JsonObject>> RequestsAsync() => [.. (await GetAsync("requests")).AsArray().OfType<JsonObject>()];

    public async Task<JsonObject> SessionsAsync() => (await GetAsync("sessions")).AsObject();

    /// <summary>Every participant the emulated account holds, in a session or not.</summary>
    public async Task<IReadOnlyList<JsonObject>> ParticipantsAsync()
    {
        var sessions = await SessionsAsync();
        return
        [
            .. sessions["sessions"]!.AsArray().SelectMany(session => session!["participants"]!.AsArray()).OfType<JsonObject>(),
            .. sessions["participantsWithoutSession"]!.AsArray().OfType<JsonObject>(),
        ];
    }

    /// <summary>
    /// <see cref="Eventually.HoldsAsync{T}(Func{Task{T}}, Func{T, bool}, string, TimeSpan?, TimeSpan?)"/> with the pace of
    /// a browser test: each read is an HTTP round trip while a browser and the app work, so a longer deadline and a slower poll.
    /// </summary>
    public static Task<T> EventuallyAsync<T>(Func<Task<T>> read, Func<T, bool> condition, string what, TimeSpan? timeout = null) =>
        Eventually.HoldsAsync(read, condition, what, timeout ?? TimeSpan.FromSeconds(20), TimeSpan.FromMilliseconds(200));

    private async Task<JsonNode> GetAsync(string path) =>
        (await http.GetFromJsonAsync<JsonNode>(Url(path)))!;

    private async Task<JsonObject> PostAsync(string path, object? body = null)
    {
        using var response = await http.PostAsJsonAsync(Url(path), body ?? new { });
        var text = await response.Content.ReadAsStringAsync();
        if (!response.IsSuccessStatusCode)
        {
            throw new Xunit.Sdk.XunitException($"POST {path} answered {(int)response.StatusCode}: {text}");
        }
        return JsonNode.Parse(text)!.AsObject();
    }
}

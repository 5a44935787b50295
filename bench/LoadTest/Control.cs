using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace LoadTest;

/// <summary>The emulator's control API (documented in HelloWorld.Emulator/CONTROL-API.md).</summary>
internal sealed class Control(HttpClient http)
{
    public async Task<string> DialInAsync(string from)
    {
        var response = await http.PostAsJsonAsync("/emulator/control/calls", new { from });
        var call = await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>();
        return (string)call!["callId"]!;
    }

    /// <summary>Hangs up from the phone's side; a call that has already ended (409) is left as it is.</summary>
    public async Task HangUpAsync(string callId)
    {
        using var response = await http.PostAsync($"/emulator/control/calls/{callId}/hangup", null);
        if (response.StatusCode != System.Net.HttpStatusCode.Conflict)
        {
            response.EnsureSuccessStatusCode();
        }
    }

    public async Task<List<JsonObject>> CallsAsync() =>
        [.. (await http.GetFromJsonAsync<JsonArray>("/emulator/control/calls"))!.OfType<JsonObject>()];

    public async Task<JsonObject> SessionsAsync() => (await http.GetFromJsonAsync<JsonObject>("/emulator/control/sessions"))!;

    public async Task<List<JsonObject>> RequestsAsync() =>
        [.. (await http.GetFromJsonAsync<JsonArray>("/emulator/control/requests"))!.OfType<JsonObject>()];

    public async Task ClearRequestsAsync() => (await http.DeleteAsync("/emulator/control/requests")).EnsureSuccessStatusCode();

    public async Task AddFaultAsync(object fault) => (await http.PostAsJsonAsync("/emulator/control/faults", fault)).EnsureSuccessStatusCode();

    public async Task ClearFaultsAsync() => (await http.DeleteAsync("/emulator/control/faults")).EnsureSuccessStatusCode();

    /// <summary>Participants with this tag in any session.</summary>
    public async Task<int> ParticipantsAsync(string tag) => Participants(await SessionsAsync(), tag);

    public static int Participants(JsonObject sessions, string tag) => sessions["sessions"]!.AsArray()
        .SelectMany(session => session!["participants"]!.AsArray())
        .Count(participant => (string?)participant!["tag"] == tag);

    /// <summary>Sessions holding at least one participant with this tag.</summary>
    public static int SessionsHolding(JsonObject sessions, string tag) => sessions["sessions"]!.AsArray()
        .Count(session => session!["participants"]!.AsArray().Any(participant => (string?)participant!["tag"] == tag));

    public static async Task<T> WaitForAsync<T>(Func<Task<T>> read, Func<T, bool> done, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        var value = await read();
        while (!done(value) && DateTime.UtcNow < deadline)
        {
            await Task.Delay(100);
            value = await read();
        }
        return value;
    }
}

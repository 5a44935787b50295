using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace LoadTest;

/// <summary>
/// The least time any server could take to answer a dial-in: the two WebRTC API calls it must make per phone (create the
/// participant, add it to the session), made directly against the emulator from the load tool, with the same concurrency
/// as the dial-ins. Its participants stay until <see cref="CleanUpAsync"/>, as the phones' do until they hang up.
/// </summary>
internal sealed class DirectFloor : IDisposable
{
    public const string Tag = "load-floor";

    private readonly HttpClient _api;
    private readonly List<string> _participants = [];
    private string? _sessionId;

    public DirectFloor(Uri emulator, EmulatedAccount account)
    {
        _api = new HttpClient { BaseAddress = new Uri(emulator, $"/emulator/webrtc/v1/accounts/{account.AccountId}/") };
        _api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{account.Username}:{account.Password}")));
    }

    public async Task<List<double>> MeasureAsync(int phones, int concurrency)
    {
        _sessionId ??= (string)(await ReadAsync(await _api.PostAsync("sessions", Json(new { tag = Tag }))))["id"]!;
        var sessionId = _sessionId;
        var times = new List<double>(phones);
        await Parallel.ForEachAsync(Enumerable.Range(0, phones), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (_, cancellation) =>
        {
            var clock = Stopwatch.StartNew();
            var participant = await ReadAsync(await _api.PostAsync("participants",
                Json(new { publishPermissions = new[] { "AUDIO" }, tag = Tag, deviceApiVersion = "V3" }), cancellation));
            var participantId = (string)participant["participant"]!["id"]!;
            (await _api.PutAsync($"sessions/{sessionId}/participants/{participantId}", Json(new { sessionId }), cancellation)).EnsureSuccessStatusCode();
            var elapsed = clock.Elapsed.TotalMilliseconds;
            lock (times)
            {
                times.Add(elapsed);
                _participants.Add(participantId);
            }
        });
        return times;
    }

    public async Task CleanUpAsync(int concurrency)
    {
        await Parallel.ForEachAsync(_participants, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (participantId, cancellation) =>
            (await _api.DeleteAsync($"participants/{participantId}", cancellation)).EnsureSuccessStatusCode());
        _participants.Clear();
        if (_sessionId is not null)
        {
            (await _api.DeleteAsync($"sessions/{_sessionId}")).EnsureSuccessStatusCode();
            _sessionId = null;
        }
    }

    public void Dispose() => _api.Dispose();

    // With a Content-Length, as the app's requests (RestSharp's) go; JsonContent would stream the body chunked.
    private static StringContent Json(object body) => new(JsonSerializer.Serialize(body), Encoding.UTF8, "application/json");

    private static async Task<JsonObject> ReadAsync(HttpResponseMessage response) =>
        (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>())!;
}

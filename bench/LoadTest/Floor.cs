using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json.Nodes;

namespace LoadTest;

/// <summary>
/// The least time the app could take to answer a dial-in: the two WebRTC API calls it must make per phone (create the
/// participant, add it to the session), made directly against the emulator, with the same concurrency as the dial-ins.
/// </summary>
internal sealed class Floor(Uri baseAddress, EmulatedAccount account)
{
    public async Task<List<double>> MeasureAsync(int phones, int concurrency)
    {
        using var api = new HttpClient { BaseAddress = baseAddress };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Basic",
            Convert.ToBase64String(Encoding.UTF8.GetBytes($"{account.Username}:{account.Password}")));
        var prefix = $"/emulator/webrtc/v1/accounts/{account.AccountId}";
        var session = await ReadAsync(await api.PostAsJsonAsync($"{prefix}/sessions", new { tag = "load-floor" }));
        var sessionId = (string)session["id"]!;
        var times = new List<double>(phones);
        var created = new List<string>(phones);
        await Parallel.ForEachAsync(Enumerable.Range(0, phones), new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (_, cancellation) =>
        {
            var clock = Stopwatch.StartNew();
            var participant = await ReadAsync(await api.PostAsJsonAsync($"{prefix}/participants",
                new { publishPermissions = new[] { "AUDIO" }, tag = "load-floor", deviceApiVersion = "V3" }, cancellation));
            var participantId = (string)participant["participant"]!["id"]!;
            (await api.PutAsJsonAsync($"{prefix}/sessions/{sessionId}/participants/{participantId}", new { sessionId }, cancellation)).EnsureSuccessStatusCode();
            var elapsed = clock.Elapsed.TotalMilliseconds;
            lock (times)
            {
                times.Add(elapsed);
                created.Add(participantId);
            }
        });
        await Parallel.ForEachAsync(created, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (participantId, cancellation) =>
            (await api.DeleteAsync($"{prefix}/participants/{participantId}", cancellation)).EnsureSuccessStatusCode());
        (await api.DeleteAsync($"{prefix}/sessions/{sessionId}")).EnsureSuccessStatusCode();
        return times;
    }

    private static async Task<JsonObject> ReadAsync(HttpResponseMessage response) =>
        (await response.EnsureSuccessStatusCode().Content.ReadFromJsonAsync<JsonObject>())!;
}

using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text.Json;
using System.Text.Json.Nodes;
using LoadTest;

// Dials N simulated phones into the app through its emulator, C at a time, optionally with faults injected into the WebRTC
// API, and measures what Bandwidth would measure: how fast the app answers each initiate webhook, against a floor of the
// same API calls made directly. Then it checks the outcome (every phone in the one session, two API round trips each, no
// 5xx, nothing lost), hangs everyone up and checks nobody is left. Prints one table, writes it as JSON, and exits non-zero
// when a check fails.

if (LoadOptions.Parse(args) is not { } options)
{
    Console.Error.WriteLine(LoadOptions.Usage);
    return 2;
}
var repository = Repository.Root();
var account = EmulatedAccount.ForLoad;
Console.WriteLine($"Starting the app in emulator mode (Release) from {repository}…");
await using var app = await AppProcess.StartAsync(repository, account);
using var http = new HttpClient { BaseAddress = new Uri(app.BaseUrl), Timeout = TimeSpan.FromSeconds(60) };
var control = new Control(http);
var dialer = new Dialer(control);
var floor = new Floor(http.BaseAddress, account);

// The first webhook pays for JIT compilation, the first connections and the session's creation; reported on its own line
// so that the percentiles describe the steady state.
double? coldWebhookMs = null;
if (options.WarmUpCalls > 0)
{
    Console.WriteLine($"Warming up with {options.WarmUpCalls} dial-ins…");
    var warmUp = await dialer.DialAsync(Numbers("+1919666", options.WarmUpCalls), concurrency: 1);
    coldWebhookMs = warmUp.Values.OrderBy(call => (DateTimeOffset)call["startTime"]!).Select(InitiateWebhook).OfType<JsonNode>()
        .Select(webhook => (double)webhook["durationMs"]!).FirstOrDefault();
    await floor.MeasureAsync(options.WarmUpCalls, concurrency: 1);
    await HangUpAllAsync(control, warmUp.Keys, options.Concurrency);
}

Console.WriteLine($"Measuring the floor: createParticipant + addParticipantToSession for {options.Calls} phones, {options.Concurrency} at a time…");
var floorTimes = await floor.MeasureAsync(options.Calls, options.Concurrency);

await control.ClearRequestsAsync();
if (options.Faults)
{
    // 10% of WebRTC API requests refused (503, or 429 with Retry-After), another 10% delayed.
    object[] faultMix =
    [
        new { pathPattern = "/emulator/webrtc/v1/", status = 503, probability = 0.05 },
        new { pathPattern = "/emulator/webrtc/v1/", status = 429, retryAfterSeconds = 1, probability = 0.05 },
        new { pathPattern = "/emulator/webrtc/v1/", delayMs = 250, probability = 0.10 },
    ];
    foreach (var fault in faultMix)
    {
        await control.AddFaultAsync(fault);
    }
}

Console.WriteLine($"Dialing {options.Calls} phones into the app, {options.Concurrency} at a time{(options.Faults ? ", with faults in the WebRTC API" : "")}…");
var clock = Stopwatch.StartNew();
var settled = await dialer.DialAsync(Numbers("+1919777", options.Calls), options.Concurrency);
var dialSeconds = clock.Elapsed.TotalSeconds;
await control.ClearFaultsAsync();
var requests = await control.RequestsAsync();

var webhookTimes = settled.Values.Select(InitiateWebhook).OfType<JsonNode>().Select(w => (double)w["durationMs"]!).ToList();
var joined = settled.Values.Count(call => (string?)call["state"] == "transferred");
var sessions = await control.SessionsAsync();
var phoneParticipants = Control.PhoneParticipants(sessions);

Console.WriteLine("Hanging everyone up…");
var ended = await HangUpAllAsync(control, settled.Keys, options.Concurrency);
var remaining = await control.PhoneParticipantsAsync();
var webhooks5xx = ended.SelectMany(call => call["webhooks"]!.AsArray()).Count(w => (int)w!["status"]! >= 500);

var api = ApiRequests.Count(requests);
var webhookStats = Stats.Of(webhookTimes);
var floorStats = Stats.Of(floorTimes);
var result = new LoadResult(
    Machine: $"{Environment.ProcessorCount} cores, {RuntimeInformation.OSDescription}, .NET {Environment.Version}",
    Calls: options.Calls,
    Concurrency: options.Concurrency,
    Faults: options.Faults,
    Joined: joined,
    Lost: options.Calls - joined,
    DialSeconds: Math.Round(dialSeconds, 2),
    CallsPerSecond: Math.Round(joined / dialSeconds, 1),
    ColdWebhookMs: coldWebhookMs is { } cold ? Math.Round(cold, 1) : null,
    InitiateWebhookMs: webhookStats,
    FloorMs: floorStats,
    RatioP50: Math.Round(webhookStats.P50 / floorStats.P50, 2),
    RatioP99: Math.Round(webhookStats.P99 / floorStats.P99, 2),
    Api: api,
    RoundTripsPerParticipant: joined == 0 ? 0 : Math.Round((api.CreateParticipant + api.AddParticipantToSession) / (double)joined, 2),
    Sessions: sessions["sessions"]!.AsArray().Count,
    PhoneParticipantsInSession: phoneParticipants,
    Webhooks5xx: webhooks5xx,
    PhoneParticipantsAfterHangUp: remaining);

var checks = new List<Check>
{
    new("every phone joined (0 calls lost)", result.Lost == 0, $"{joined} of {options.Calls}"),
    new("N phone participants in exactly one session", result.Sessions == 1 && phoneParticipants == options.Calls, $"{phoneParticipants} phones, {result.Sessions} session(s)"),
    new("2 WebRTC API round trips per participant (retries apart)", result.RoundTripsPerParticipant == 2, $"{result.RoundTripsPerParticipant}"),
    new("0 webhooks answered 5xx", webhooks5xx == 0, $"{webhooks5xx}"),
    new("0 phone participants after hang-up", remaining == 0, $"{remaining}"),
};
Report.Print(result, checks);
foreach (var lost in settled.Values.Where(call => (string?)call["state"] != "transferred"))
{
    Console.WriteLine($"lost: {lost["callId"]} ended ({lost["cause"]}) {lost["errorMessage"]}; webhooks: {lost["webhooks"]?.ToJsonString()}");
}
var output = options.Output ?? Path.Combine(repository, "bench", "results", $"load-{DateTime.UtcNow:yyyyMMdd-HHmmss}{(options.Faults ? "-faults" : "")}.json");
Directory.CreateDirectory(Path.GetDirectoryName(output)!);
await File.WriteAllTextAsync(output, JsonSerializer.Serialize(new { result, checks }, new JsonSerializerOptions { WriteIndented = true }));
Console.WriteLine($"Written to {output}");
return checks.All(check => check.Passed) ? 0 : 1;

static List<string> Numbers(string prefix, int count) => [.. Enumerable.Range(0, count).Select(i => $"{prefix}{i:D4}")];

static JsonNode? InitiateWebhook(JsonObject call) =>
    call["webhooks"]!.AsArray().FirstOrDefault(webhook => (string?)webhook!["eventType"] == "initiate");

// Hangs the calls up from the phones' side and waits until the app has deleted their participants; returns the ended calls.
static async Task<List<JsonObject>> HangUpAllAsync(Control control, IEnumerable<string> callIds, int concurrency)
{
    var ids = callIds.ToHashSet(StringComparer.Ordinal);
    await Parallel.ForEachAsync(ids, new ParallelOptions { MaxDegreeOfParallelism = concurrency }, async (callId, _) => await control.HangUpAsync(callId));
    await Control.WaitForAsync(control.PhoneParticipantsAsync, count => count == 0, TimeSpan.FromSeconds(60));
    return await Control.WaitForAsync(
        async () => (await control.CallsAsync()).Where(call => ids.Contains((string)call["callId"]!)).ToList(),
        calls => calls.All(call => (string?)call["state"] == "completed"),
        TimeSpan.FromSeconds(30));
}

using System.Globalization;
using System.Text.Json.Nodes;

namespace LoadTest;

internal sealed record Stats(double P50, double P95, double P99, double Max)
{
    public static Stats Of(IReadOnlyCollection<double> values)
    {
        if (values.Count == 0)
        {
            return new(double.NaN, double.NaN, double.NaN, double.NaN);
        }
        var sorted = values.Order().ToArray();
        double At(double quantile) => Math.Round(sorted[Math.Min(sorted.Length - 1, (int)(sorted.Length * quantile))], 1);
        return new(At(0.50), At(0.95), At(0.99), Math.Round(sorted[^1], 1));
    }

    public override string ToString() => string.Create(CultureInfo.InvariantCulture, $"p50 {P50} · p95 {P95} · p99 {P99} · max {Max}");
}

/// <summary>The app's WebRTC API requests, sorted by operation; those that failed (injected faults included) were retried.</summary>
internal sealed record ApiRequests(int CreateParticipant, int AddParticipantToSession, int CreateSession, int Other, int Failed)
{
    public static ApiRequests Count(IEnumerable<JsonObject> log)
    {
        int createParticipant = 0, add = 0, createSession = 0, other = 0, failed = 0;
        foreach (var request in log.Where(r => ((string)r["path"]!).StartsWith("/emulator/webrtc/", StringComparison.Ordinal)))
        {
            var status = (int)request["status"]!;
            if (status >= 300 || (bool)request["faulted"]!)
            {
                failed++;
                continue;
            }
            var method = (string)request["method"]!;
            var path = (string)request["path"]!;
            if (method == "POST" && path.EndsWith("/participants", StringComparison.Ordinal))
            {
                createParticipant++;
            }
            else if (method == "PUT" && path.Contains("/sessions/", StringComparison.Ordinal) && path.Contains("/participants/", StringComparison.Ordinal))
            {
                add++;
            }
            else if (method == "POST" && path.EndsWith("/sessions", StringComparison.Ordinal))
            {
                createSession++;
            }
            else
            {
                other++;
            }
        }
        return new(createParticipant, add, createSession, other, failed);
    }
}

internal sealed record LoadResult(
    string Machine, int Calls, int Concurrency, bool Faults, int Joined, int Lost, double DialSeconds, double CallsPerSecond,
    double? ColdWebhookMs, Stats InitiateWebhookMs, Stats FloorMs, double RatioP50, double RatioP99, ApiRequests Api, double RoundTripsPerParticipant,
    int Sessions, int PhoneParticipantsInSession, int Webhooks5xx, int PhoneParticipantsAfterHangUp);

internal sealed record Check(string Name, bool Passed, string Detail);

internal static class Report
{
    public static void Print(LoadResult result, IReadOnlyList<Check> checks)
    {
        Console.WriteLine();
        Console.WriteLine($"Load: {result.Calls} dial-ins, {result.Concurrency} at a time, faults {(result.Faults ? "on (10% refused, 10% delayed)" : "off")}; {result.Machine}");
        Console.WriteLine();
        Console.WriteLine("| Measure | Value |");
        Console.WriteLine("|---|---|");
        Row("Phones joined", $"{result.Joined} of {result.Calls} in {result.DialSeconds} s ({result.CallsPerSecond} calls/s)");
        Row("initiate webhook answered in (ms, timed by the emulator)", result.InitiateWebhookMs.ToString());
        Row("First webhook after start, cold (ms, warm-up)", result.ColdWebhookMs?.ToString(CultureInfo.InvariantCulture) ?? "no warm-up");
        Row("Floor: createParticipant + addParticipantToSession direct (ms)", result.FloorMs.ToString());
        Row("App ÷ floor", string.Create(CultureInfo.InvariantCulture, $"p50 {result.RatioP50}× · p99 {result.RatioP99}×"));
        Row("WebRTC API requests", $"{result.Api.CreateParticipant} createParticipant, {result.Api.AddParticipantToSession} addParticipantToSession, {result.Api.CreateSession} createSession{(result.ColdWebhookMs is null ? "" : " (made in the warm-up)")}, {result.Api.Other} other");
        Row("Round trips per participant (retries apart)", result.RoundTripsPerParticipant.ToString(CultureInfo.InvariantCulture));
        Row("Requests refused or failed, then retried", result.Api.Failed.ToString(CultureInfo.InvariantCulture));
        Row("Sessions / phone participants in them", $"{result.Sessions} / {result.PhoneParticipantsInSession}");
        Row("Webhooks answered 5xx", result.Webhooks5xx.ToString(CultureInfo.InvariantCulture));
        Row("Phone participants left after hang-up", result.PhoneParticipantsAfterHangUp.ToString(CultureInfo.InvariantCulture));
        Console.WriteLine();
        foreach (var check in checks)
        {
            Console.WriteLine($"{(check.Passed ? "PASS" : "FAIL")}  {check.Name}: {check.Detail}");
        }
    }

    private static void Row(string measure, string value) => Console.WriteLine($"| {measure} | {value} |");
}

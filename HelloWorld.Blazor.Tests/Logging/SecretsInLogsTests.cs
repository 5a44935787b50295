using System.Net.Http.Json;
using System.Text.RegularExpressions;
using HelloWorld.Blazor.Api;
using HelloWorld.Blazor.Tests.Browser;
using HelloWorld.Blazor.Tests.Observability;
using HelloWorld.Blazor.Webhooks;

namespace HelloWorld.Blazor.Tests.Logging;

/// <summary>
/// Runs a dial-in and an outbound call end to end (webhooks with their credentials challenge, transfers into WebRTC,
/// hang-ups) with every log line captured and everything OpenTelemetry would export (traces, metrics, logs) held in
/// memory, and looks for the secrets that went by: no password and no device token may appear in any of them.
/// </summary>
[Collection(nameof(RunsAlone))] // its exporters would see every other app of the process
public sealed partial class SecretsInLogsTests
{
    private const string CallbackPassword = "callback-pa55word-Q7";

    [Fact]
    public async Task FullDialInAndOutboundFlows_LeaveNoPasswordAndNoTokenInTheLogsOrExportedTelemetry()
    {
        var telemetry = new InMemoryTelemetry();
        await using var app = RunningApp.Start(new Dictionary<string, string?>
        {
            ["Bandwidth:CallbackUsername"] = "bandwidth",
            ["Bandwidth:CallbackPassword"] = CallbackPassword,
            // Three runs of the whole suite (one a CI run on a quiet machine) saw a webhook of this flow answered 429: the failed-login
            // throttle, which needs 10 wrong passwords from 127.0.0.1 in a minute, where this flow sends none (a wrong one
            // would be answered 401 and fail below). The likeliest source is another test's emulator or client on a reused
            // port; it never reproduced alone or in a local full run. The throttle has its own tests
            // (WebhookLoginThrottleTests); here it is set out of reach, so traffic from outside this flow cannot fail it.
            ["VoiceWebhooks:FailedLoginBurst"] = "100000",
        }, services: telemetry.AddTo);
        var control = app.Control;
        var tokens = new List<string>();

        var info = await app.Http.GetFromJsonAsync<ConnectionInfo>(app.BaseUrl + "/connectionInfo");
        tokens.Add(info!.Token);
        var dialIn = await control.DialInAsync("+19195550124");
        await EmulatorControl.EventuallyAsync(() => control.CallAsync((string)dialIn["callId"]!), c => (string?)c!["state"] == "transferred", "the dial-in to join");
        using var callPhone = await app.Http.PostAsJsonAsync(app.BaseUrl + "/callPhone", new { });
        Assert.True(callPhone.IsSuccessStatusCode, $"/callPhone answered {(int)callPhone.StatusCode}: {await callPhone.Content.ReadAsStringAsync()}");
        var placed = await callPhone.Content.ReadFromJsonAsync<CallPhoneResponse>();
        await control.AnswerAsync(placed!.CallId);
        await EmulatorControl.EventuallyAsync(() => control.CallAsync(placed.CallId), c => (string?)c!["state"] == "transferred", "the outbound call to join");
        await control.HangUpAsync((string)dialIn["callId"]!);
        await control.HangUpAsync(placed.CallId);
        await EmulatorControl.EventuallyAsync(control.ParticipantsAsync, p => p.Count == 1, "both phones to leave");

        foreach (var call in await control.CallsAsync())
        {
            foreach (var webhook in call!["webhooks"]!.AsArray())
            {
                tokens.AddRange(TokenInUui().Matches((string?)webhook!["bxml"] ?? "").Select(m => m.Groups[1].Value));
                Assert.True((bool)webhook["authenticated"]!, "every webhook reached the app with the callback credentials");
                Assert.True((int)webhook["status"]! is >= 200 and <= 204,
                    $"the {webhook["eventType"]} webhook to {webhook["url"]} (the app at {app.BaseUrl}) answered {webhook["status"]}: {webhook["error"]}; " +
                    $"the app's log on webhook logins: {string.Join(" | ", app.Logs.GetSnapshot().Where(log => log.Category?.EndsWith(nameof(FailedWebhookLogins), StringComparison.Ordinal) == true).Select(log => log.Message))}");
            }
        }
        Assert.Equal(3, tokens.Count); // /connectionInfo, the dial-in's transfer, the outbound call's transfer
        var logs = app.Logs.GetSnapshot().Select(log => $"{log.Category} {log.Message} {log.Exception} {string.Join(",", log.StructuredState?.Select(s => s.Value) ?? [])}").ToList();
        Assert.NotEmpty(logs);
        _ = telemetry.Collect(app.Services, "helloworld.participant.count");
        var exported = telemetry.AllText();
        Assert.Contains(exported, text => text.Contains("webhook initiate", StringComparison.Ordinal));
        Assert.NotEmpty(telemetry.Logs);
        logs.AddRange(exported);
        string[] secrets = [CallbackPassword, "emulator-password", .. tokens, .. tokens.Select(t => t.Split('.')[2])];
        foreach (var secret in secrets)
        {
            Assert.DoesNotContain(logs, log => log.Contains(secret, StringComparison.Ordinal));
        }
    }

    [GeneratedRegex("uui=\"(?:[^;\"]*;encoding=base64,)?([^;\"]+);encoding=jwt\"")]
    private static partial Regex TokenInUui();
}

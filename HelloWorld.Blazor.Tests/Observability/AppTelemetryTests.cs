using System.Diagnostics;
using System.Net.Http.Json;
using HelloWorld.Blazor.Conference;
using HelloWorld.Blazor.Observability;
using HelloWorld.Blazor.Tests.Browser;
using Microsoft.Extensions.DependencyInjection;

namespace HelloWorld.Blazor.Tests.Observability;

/// <summary>
/// The whole app (emulator mode) with its OpenTelemetry pipeline exporting to memory: what a dashboard would see of a page
/// join and a dial-in.
/// </summary>
[Collection(nameof(RunsAlone))]
public sealed class AppTelemetryTests
{
    private static readonly (string, string) Browser = (AppTelemetry.Tags.ParticipantKind, "browser");
    private static readonly (string, string) Phone = (AppTelemetry.Tags.ParticipantKind, "phone");

    [Fact]
    public async Task PageJoinAndDialIn_MoveTheParticipantCallWebhookAndBandwidthInstruments()
    {
        var telemetry = new InMemoryTelemetry();
        await using var app = RunningApp.Start(services: telemetry.AddTo);
        var participants = telemetry.Collect(app.Services, "helloworld.participant.count");
        Assert.Equal(0, InMemoryTelemetry.Value(participants, Browser));
        Assert.Equal(0, InMemoryTelemetry.Value(participants, Phone));

        // What the call page does when it joins.
        await app.Services.GetRequiredService<IParticipantService>().JoinAsync(ParticipantKind.Browser);
        participants = telemetry.Collect(app.Services, "helloworld.participant.count");
        Assert.Equal(1, InMemoryTelemetry.Value(participants, Browser));
        Assert.Equal(0, InMemoryTelemetry.Value(participants, Phone));

        var callId = await DialInAsync(app);
        participants = telemetry.Collect(app.Services, "helloworld.participant.count");
        Assert.Equal(1, InMemoryTelemetry.Value(participants, Phone));
        var calls = telemetry.Collect(app.Services, "helloworld.phone_call.active");
        Assert.Equal(1, InMemoryTelemetry.Value(calls, (AppTelemetry.Tags.CallDirection, "inbound"), (AppTelemetry.Tags.CallState, "transferred")));
        var webhooks = telemetry.Collect(app.Services, "helloworld.webhook.duration");
        Assert.Equal(1, InMemoryTelemetry.Value(webhooks, (AppTelemetry.Tags.EventType, "initiate"), (AppTelemetry.Tags.WebhookOutcome, "answered")));
        var requests = telemetry.Collect(app.Services, "helloworld.bandwidth.request.duration");
        Assert.Equal(2, InMemoryTelemetry.Value(requests, (AppTelemetry.Tags.Operation, "createParticipant"), (AppTelemetry.Tags.StatusClass, "2xx")));

        await app.Control.HangUpAsync(callId);
        await EmulatorControl.EventuallyAsync(() => Task.FromResult(InMemoryTelemetry.Value(
            telemetry.Collect(app.Services, "helloworld.participant.count"), Phone)), count => count == 0, "the phone's participant to be counted out");
        Assert.Equal(0, InMemoryTelemetry.Value(telemetry.Collect(app.Services, "helloworld.phone_call.active")));
    }

    [Fact]
    public async Task DialInWebhook_ParentsItsTwoBandwidthCalls_WithTheCallIdAndARetryEvent()
    {
        var telemetry = new InMemoryTelemetry();
        await using var app = RunningApp.Start(services: telemetry.AddTo);
        // The session exists before the phone dials in, so its webhook makes exactly two Bandwidth calls.
        var browser = await app.Services.GetRequiredService<IParticipantService>().JoinAsync(ParticipantKind.Browser);
        var fault = await app.Http.PostAsJsonAsync($"{app.BaseUrl}/emulator/control/faults",
            new { pathPattern = "**/participants", method = "POST", status = 503, count = 1 });
        fault.EnsureSuccessStatusCode();

        var callId = await DialInAsync(app);

        var activities = telemetry.Activities.ToList();
        var webhook = Assert.Single(activities, a => a.DisplayName == "webhook initiate" && (string?)a.GetTagItem(AppTelemetry.Tags.CallId) == callId);
        var children = activities.Where(a => a.ParentSpanId == webhook.SpanId && a.Source.Name == AppTelemetry.Name).ToList();
        Assert.Equal(["bandwidth addParticipantToSession", "bandwidth createParticipant"], children.Select(a => a.DisplayName).Order());
        var create = children.Single(a => a.DisplayName == "bandwidth createParticipant");
        var retry = Assert.Single(create.Events, e => e.Name == "retry");
        Assert.Equal("503", retry.Tags.Single(tag => tag.Key == AppTelemetry.Tags.ErrorType).Value);
        // Each attempt is an HTTP span under the operation: the refused one and the one that created the participant.
        Assert.Equal(2, activities.Count(a => a.ParentSpanId == create.SpanId && a.Kind == ActivityKind.Client));
        Assert.All(children, child => Assert.Equal(webhook.TraceId, child.TraceId));

        var join = Assert.Single(activities, a => a.DisplayName == "browser join" && (string?)a.GetTagItem(AppTelemetry.Tags.ParticipantId) == browser.Id);
        Assert.Contains(activities, a => a.ParentSpanId == join.SpanId && a.DisplayName == "bandwidth createParticipant");
    }

    [Fact]
    public async Task HealthProbes_LeaveNoTraceAndNoHttpMetric()
    {
        var telemetry = new InMemoryTelemetry();
        await using var app = RunningApp.Start(services: telemetry.AddTo);
        Assert.True((await app.Http.GetAsync(app.BaseUrl + "/health/live")).IsSuccessStatusCode);
        Assert.True((await app.Http.GetAsync(app.BaseUrl + "/health/ready")).IsSuccessStatusCode);
        Assert.True((await app.Http.GetAsync(app.BaseUrl + "/connectionInfo")).IsSuccessStatusCode);

        // A server span ends (and is exported) just after its answer is sent: the last request's, in its own time.
        var serverSpans = await EmulatorControl.EventuallyAsync(
            () => Task.FromResult(telemetry.Activities.Where(a => a.Kind == ActivityKind.Server).Select(a => (string?)a.GetTagItem("url.path")).ToList()),
            paths => paths.Contains("/connectionInfo"), "the /connectionInfo request's span");
        Assert.DoesNotContain(serverSpans, path => path?.StartsWith("/health", StringComparison.Ordinal) == true);
        // Nor are the probes' own requests (the emulator's side of them is the emulator's business).
        Assert.DoesNotContain(telemetry.Activities, a => a.Kind == ActivityKind.Client
            && a.TagObjects.Any(tag => tag.Value?.ToString()?.Contains("00000000-0000", StringComparison.Ordinal) == true));
        // Recorded as the request ends, after its answer was sent.
        var routes = await EmulatorControl.EventuallyAsync(() => Task.FromResult(Tags(telemetry.Collect(app.Services, "http.server.request.duration"))),
            tags => tags.Any(tag => tag.Contains("connectionInfo", StringComparison.Ordinal)), "the /connectionInfo request's duration");
        Assert.DoesNotContain(routes, tag => tag.Contains("/health", StringComparison.Ordinal));
    }

    private static List<string> Tags(OpenTelemetry.Metrics.MetricSnapshot? metric)
    {
        var tags = new List<string>();
        foreach (var point in metric?.MetricPoints ?? [])
        {
            foreach (var tag in point.Tags)
            {
                tags.Add($"{tag.Key}={tag.Value}");
            }
        }
        return tags;
    }

    private static async Task<string> DialInAsync(RunningApp app)
    {
        var dialIn = await app.Control.DialInAsync("+19195550124");
        var callId = (string)dialIn["callId"]!;
        await EmulatorControl.EventuallyAsync(() => app.Control.CallAsync(callId), c => (string?)c!["state"] == "transferred", "the dial-in to join");
        return callId;
    }
}

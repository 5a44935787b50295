using System.Diagnostics.Metrics;
using HelloWorld.Blazor.Api;
using HelloWorld.Blazor.Conference;

namespace HelloWorld.Blazor.Observability;

/// <summary>
/// What the conference holds now, read from its own services when a metrics reader collects (nothing is counted on the
/// way, so nothing can drift, and nothing runs between collections): the live participants by kind and the active phone
/// calls by direction and state. On a meter of this host (<see cref="IMeterFactory"/>), which ends with it.
/// </summary>
public sealed class ConferenceMetrics : IHostedService
{
    public ConferenceMetrics(IMeterFactory meters, IParticipantService participants, ICallRegistry calls, ConnectionInfoParticipants? leases = null)
    {
        var meter = meters.Create(AppTelemetry.Name);
        meter.CreateObservableUpDownCounter("helloworld.participant.count", () => Participants(participants, leases), "{participant}",
            "The app's live participants (created, not yet deleted) by kind: browser (the call page), phone, connection_info (GET /connectionInfo).");
        meter.CreateObservableUpDownCounter("helloworld.phone_call.active", () => ActiveCalls(calls), "{call}",
            "Phone calls not ended yet, by direction (inbound: dialed in; outbound: placed by the app) and state.");
    }

    // Constructed at start, so the instruments exist before the first collection; there is nothing to start or stop.
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static IEnumerable<Measurement<long>> Participants(IParticipantService participants, ConnectionInfoParticipants? leases)
    {
        var active = participants.Active;
        long browsers = active.Count(participant => participant.Kind == ParticipantKind.Browser);
        long phones = active.Count - browsers;
        // /connectionInfo's participants are browser participants too; the leases say which ones.
        long leased = Math.Min(leases?.LeaseCount ?? 0, browsers);
        yield return Kind(browsers - leased, "browser");
        yield return Kind(phones, "phone");
        yield return Kind(leased, "connection_info");
    }

    private static Measurement<long> Kind(long count, string kind) =>
        new(count, new KeyValuePair<string, object?>(AppTelemetry.Tags.ParticipantKind, kind));

    private static IEnumerable<Measurement<long>> ActiveCalls(ICallRegistry calls)
    {
        var active = calls.Calls.Where(call => call.IsActive).ToList();
        foreach (var direction in (CallDirection[])[CallDirection.Inbound, CallDirection.Outbound])
        {
            foreach (var state in (CallState[])[CallState.Ringing, CallState.Answered, CallState.Joining, CallState.Transferred])
            {
                yield return new Measurement<long>(active.Count(call => call.Direction == direction && call.State == state),
                    new KeyValuePair<string, object?>(AppTelemetry.Tags.CallDirection, direction == CallDirection.Inbound ? "inbound" : "outbound"),
                    new KeyValuePair<string, object?>(AppTelemetry.Tags.CallState, state.ToString().ToLowerInvariant()));
            }
        }
    }
}

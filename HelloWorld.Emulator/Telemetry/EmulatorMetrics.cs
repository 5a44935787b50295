using System.Diagnostics.Metrics;
using HelloWorld.Emulator.Media.Relay;
using HelloWorld.Emulator.Voice;
using HelloWorld.Emulator.WebRtc;
using Microsoft.Extensions.Hosting;

namespace HelloWorld.Emulator.Telemetry;

/// <summary>The emulator's meter, for an OpenTelemetry pipeline (or <c>dotnet-counters</c>) to subscribe to.</summary>
public static class EmulatorMeter
{
    public const string Name = "HelloWorld.Emulator";
}

/// <summary>
/// What the emulator holds, in the style of the app's own metrics, so a local run shows both sides of every call on one
/// dashboard: the account's sessions and participants, the calls of its phone network, and the packets its relay moved.
/// All read when a reader collects, from the emulator's own state; nothing is counted on the packet path.
/// </summary>
internal sealed class EmulatorMetrics : IHostedService
{
    public EmulatorMetrics(IMeterFactory meters, WebRtcStore store, CallEngine calls, IMediaRelay relay)
    {
        var meter = meters.Create(EmulatorMeter.Name);
        meter.CreateObservableUpDownCounter("helloworld.emulator.session.count", () => (long)store.Sessions.Count, "{session}",
            "WebRTC sessions the emulated account holds.");
        meter.CreateObservableUpDownCounter("helloworld.emulator.participant.count", () => Participants(store), "{participant}",
            "WebRTC participants the emulated account holds, in a session or not.");
        meter.CreateObservableUpDownCounter("helloworld.emulator.call.active", () => ActiveCalls(calls), "{call}",
            "Calls of the emulated phone network not completed yet, by direction and phase.");
        meter.CreateObservableCounter("helloworld.emulator.relay.packets", () => Packets(relay), "{packet}",
            "RTP packets the relay received from publishers and forwarded to subscribers.");
    }

    // Constructed at start, so the instruments exist before the first collection; there is nothing to start or stop.
    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    private static IEnumerable<Measurement<long>> Participants(WebRtcStore store)
    {
        var participants = store.Participants;
        long inSession = participants.Count(participant => participant.SessionId is not null);
        yield return new(inSession, new KeyValuePair<string, object?>("helloworld.emulator.in_session", true));
        yield return new(participants.Count - inSession, new KeyValuePair<string, object?>("helloworld.emulator.in_session", false));
    }

    private static IEnumerable<Measurement<long>> ActiveCalls(CallEngine calls)
    {
        var active = calls.Calls.Where(call => call.Phase != CallPhase.Completed).ToList();
        // Every series every time, zeros included: a series that stops being reported keeps its last value on a dashboard.
        return from direction in Enum.GetValues<CallDirection>()
               from phase in Enum.GetValues<CallPhase>()
               where phase != CallPhase.Completed
               select new Measurement<long>(active.Count(call => call.Direction == direction && call.Phase == phase),
                   new KeyValuePair<string, object?>("helloworld.call.direction", direction.ToString().ToLowerInvariant()),
                   new KeyValuePair<string, object?>("helloworld.emulator.call.phase", phase.ToString().ToLowerInvariant()));
    }

    private static IEnumerable<Measurement<long>> Packets(IMediaRelay relay)
    {
        var totals = relay.Totals();
        yield return new(totals.PacketsReceived, new KeyValuePair<string, object?>("helloworld.emulator.relay.direction", "received"));
        yield return new(totals.PacketsForwarded, new KeyValuePair<string, object?>("helloworld.emulator.relay.direction", "forwarded"));
    }
}

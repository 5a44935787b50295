using System.Diagnostics.Metrics;
using HelloWorld.Emulator.Telemetry;
using HelloWorld.Emulator.Voice;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.Metrics.Testing;

namespace HelloWorld.Emulator.Tests.Telemetry;

/// <summary>The emulator's meter reports what the emulated account and phone network hold, as a dashboard reads it.</summary>
public sealed class EmulatorMetricsTests : IAsyncLifetime
{
    private EmulatorHost _emulator = null!;

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorHost.StartAsync();
        // The dial-in's webhook is never answered, so the call stays active until the test hangs it up: answered at once,
        // the call could end before a slow test read the call count.
        _emulator.AppAnswers["/incomingCall"] = (context, _) => Task.Delay(Timeout.InfiniteTimeSpan, context.RequestAborted);
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public async Task SessionsParticipantsAndCalls_AreReportedAsTheyComeAndGo()
    {
        var meters = _emulator.Services.GetRequiredService<IMeterFactory>();
        using var sessions = new MetricCollector<long>(meters, EmulatorMeter.Name, "helloworld.emulator.session.count");
        using var participants = new MetricCollector<long>(meters, EmulatorMeter.Name, "helloworld.emulator.participant.count");
        using var calls = new MetricCollector<long>(meters, EmulatorMeter.Name, "helloworld.emulator.call.active");
        using var packets = new MetricCollector<long>(meters, EmulatorMeter.Name, "helloworld.emulator.relay.packets");

        Assert.Equal(0, Read(sessions));
        Assert.Equal(0, Read(participants));
        var sessionId = await _emulator.CreateSessionAsync();
        await _emulator.JoinAsync(sessionId);
        Assert.Equal(1, Read(sessions));
        Assert.Equal(1, Read(participants, ("helloworld.emulator.in_session", true)));
        Assert.Equal(0, Read(participants, ("helloworld.emulator.in_session", false)));

        var engine = _emulator.Services.GetRequiredService<CallEngine>();
        Assert.Equal(0, Read(calls));
        var call = engine.DialIn("+19195550124");
        Assert.Equal(1, Read(calls, ("helloworld.call.direction", "inbound")));
        engine.HangUp(call.CallId);
        Assert.Equal(0, Read(calls));
        // Both series exist from the start (MediaRelayTests pins how they count).
        Read(packets);
        Assert.Equal(["forwarded", "received"], packets.GetMeasurementSnapshot().Select(m => (string)m.Tags["helloworld.emulator.relay.direction"]!).Order());
    }

    /// <summary>The sum of a collection's measurements, made now, that carry every one of <paramref name="tags"/>.</summary>
    private static long Read(MetricCollector<long> collector, params (string Key, object Value)[] tags)
    {
        collector.Clear();
        collector.RecordObservableInstruments();
        return collector.GetMeasurementSnapshot().Where(m => tags.All(tag => m.Tags.TryGetValue(tag.Key, out var value) && Equals(value, tag.Value))).Sum(m => m.Value);
    }
}

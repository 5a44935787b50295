using System.Diagnostics;
using HelloWorld.Emulator.Voice;
using HelloWorld.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace HelloWorld.Emulator.Tests.Voice;

/// <summary>
/// A phone that picks up at the very moment its call would end otherwise (declined, or out of ring time). The moment is
/// made exact: the engine reads the clock to stamp the end, and the test's clock answers the call right then.
/// </summary>
public sealed class CallEngineRaceTests : IAsyncLifetime
{
    private const string Phone = "+19195550123";
    private readonly InterruptingClock _clock = new(new FakeTimeProvider(DateTimeOffset.UtcNow));
    private EmulatorHost _emulator = null!;

    private CallEngine Calls => _emulator.Services.GetRequiredService<CallEngine>();

    public async Task InitializeAsync()
    {
        _emulator = await EmulatorHost.StartAsync(services: services => services.AddSingleton<TimeProvider>(_clock));
        _emulator.AnswerBxml("/callAnswered", """<Response><Pause duration="300"/></Response>""");
    }

    public async Task DisposeAsync() => await _emulator.DisposeAsync();

    [Fact]
    public void Decline_OfACallAnsweredAsItIsDeclined_LeavesItAnswered()
    {
        var call = PlaceCall(TimeSpan.FromSeconds(30));
        _clock.OnNextEngineRead(() => Assert.True(Calls.Answer(call.CallId)));

        var declined = Calls.Decline(call.CallId);

        Assert.False(declined);
        Assert.Equal((CallPhase.Answered, null), (call.Phase, call.Cause));
    }

    [Fact]
    public async Task RingTimeout_OfACallAnsweredAsItTimesOut_LeavesItAnswered()
    {
        var call = PlaceCall(TimeSpan.FromSeconds(30));
        var answered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        _clock.OnNextEngineRead(() =>
        {
            Calls.Answer(call.CallId);
            answered.SetResult();
        });

        _clock.Time.Advance(TimeSpan.FromSeconds(30));

        await answered.Task.WaitAsync(TimeSpan.FromSeconds(10));
        // The "app" lives in the emulator's host, whose server stops first: stopping while the answer webhook is in flight
        // would fail the call with callback-error, which says nothing of the race this test is about.
        await Eventually.HoldsAsync(() => call.Webhooks, webhooks => webhooks.Any(webhook => webhook.EventType == "answer"), "the answer webhook");
        await _emulator.StopAsync(); // waits for the engine's work: the ring timer's decision included
        Assert.Equal((CallPhase.Answered, null), (call.Phase, call.Cause));
    }

    [Fact]
    public async Task RingTimeout_OfACallNobodyAnswers_EndsItWithCauseTimeout()
    {
        var call = PlaceCall(TimeSpan.FromSeconds(30));

        _clock.Time.Advance(TimeSpan.FromSeconds(30));

        await Eventually.HoldsAsync(() => call, c => c.Phase == CallPhase.Completed, "the call to time out");
        Assert.Equal("timeout", call.Cause);
    }

    private EmulatedCall PlaceCall(TimeSpan ringTimeout) => Calls.PlaceCall("+19195550100", Phone,
        new CallCallbacks($"{_emulator.BaseUrl}/callAnswered", null, null, null, null, TimeSpan.FromSeconds(15), "em-voice-application"),
        ringTimeout);

    /// <summary>A fake clock that runs an action the next time the call engine reads the time, whatever thread it is on.</summary>
    private sealed class InterruptingClock(FakeTimeProvider time) : TimeProvider
    {
        private Action? _next;

        public FakeTimeProvider Time => time;

        public override long TimestampFrequency => time.TimestampFrequency;

        public override TimeZoneInfo LocalTimeZone => time.LocalTimeZone;

        public void OnNextEngineRead(Action action) => _next = action;

        public override DateTimeOffset GetUtcNow()
        {
            if (Volatile.Read(ref _next) is not null && ReadByTheEngine() && Interlocked.Exchange(ref _next, null) is { } interrupt)
            {
                interrupt();
            }
            return time.GetUtcNow();
        }

        public override long GetTimestamp() => time.GetTimestamp();

        public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period) =>
            time.CreateTimer(callback, state, dueTime, period);

        private static bool ReadByTheEngine() => new StackTrace().GetFrames().Any(frame =>
            frame.GetMethod()?.DeclaringType is { } type && (type == typeof(CallEngine) || type.DeclaringType == typeof(CallEngine)));
    }
}

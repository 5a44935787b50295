using HelloWorld.Emulator.Voice;
using HelloWorld.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Time.Testing;

namespace HelloWorld.Emulator.Tests.Voice;

/// <summary>The Voice engine's background work at shutdown: timers end at once, what is in flight is waited for.</summary>
public sealed class CallWorkTests
{
    private const string Phone = "+19195550123";

    [Fact]
    public async Task StopAsync_WaitsForAFlowStillRunning()
    {
        using var work = new CallWork(NullLogger<CallWork>.Instance);
        var flow = new TaskCompletionSource();
        work.Run(Call(), flow.Task);

        var stop = work.StopAsync(CancellationToken.None);

        Assert.False(stop.IsCompleted);
        Assert.True(work.Stopping.IsCancellationRequested);
        flow.SetResult();
        await stop.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Equal(0, work.RunningCount);
    }

    [Fact]
    public async Task StopAsync_ReturnsWhenTheHostStopsWaiting_EvenWithAFlowStillRunning()
    {
        using var work = new CallWork(NullLogger<CallWork>.Instance);
        work.Run(Call(), new TaskCompletionSource().Task);

        await work.StopAsync(new CancellationToken(canceled: true)).WaitAsync(TimeSpan.FromSeconds(10));

        Assert.Equal(1, work.RunningCount);
    }

    [Fact]
    public async Task StopAsync_AfterDispose_ReturnsQuietly_AndDisposeHadEndedTheWaits()
    {
        var work = new CallWork(NullLogger<CallWork>.Instance);
        var stopping = work.Stopping;

        work.Dispose();

        Assert.True(stopping.IsCancellationRequested);
        await work.StopAsync(CancellationToken.None).WaitAsync(TimeSpan.FromSeconds(10));
    }

    [Fact]
    public async Task HostStop_EndsRingingAndBxmlPausesAtOnce_AndWaitsForTheDisconnectWebhookInFlight()
    {
        var clock = new FakeTimeProvider(DateTimeOffset.UtcNow); // never advanced: only the stop can end the waits
        await using var emulator = await EmulatorHost.StartAsync(services: services => services.AddSingleton<TimeProvider>(clock));
        var calls = emulator.Services.GetRequiredService<CallEngine>();
        emulator.AnswerBxml("/incomingCall", """<Response><Pause duration="300"/></Response>""");
        var disconnectArrived = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var disconnectAnswered = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        emulator.AppAnswers["/callStatus"] = async (_, _) =>
        {
            disconnectArrived.TrySetResult();
            await disconnectAnswered.Task;
        };

        var ringing = calls.PlaceCall("+19195550100", Phone, Callbacks(emulator), TimeSpan.FromSeconds(30));
        var pausing = calls.DialIn(Phone);
        await Eventually.HoldsAsync(() => pausing.Webhooks, sent => sent.Any(w => w.EventType == "initiate"), "the dial-in's BXML to run");
        var hungUp = calls.DialIn("+19195550124");
        Assert.True(calls.HangUp(hungUp.CallId));
        await disconnectArrived.Task.WaitAsync(TimeSpan.FromSeconds(10));

        var stop = emulator.StopAsync();

        Assert.False(stop.IsCompleted);
        disconnectAnswered.SetResult();
        await stop.WaitAsync(TimeSpan.FromSeconds(10));
        Assert.Contains(hungUp.Webhooks, webhook => webhook is { EventType: "disconnect", Status: 200 });
        Assert.Equal(CallPhase.Ringing, ringing.Phase); // the ring timer ended without timing the call out
        Assert.Equal(0, emulator.Services.GetRequiredService<CallWork>().RunningCount);
    }

    private static CallCallbacks Callbacks(EmulatorHost emulator) =>
        new($"{emulator.BaseUrl}/callAnswered", null, null, null, null, TimeSpan.FromSeconds(15), "em-voice-application");

    private static EmulatedCall Call() => new(CallDirection.Inbound, Phone, "+19195550100", DateTimeOffset.UnixEpoch)
    {
        Callbacks = new CallCallbacks("http://127.0.0.1/incomingCall", null, null, null, null, TimeSpan.FromSeconds(15), "app"),
    };
}

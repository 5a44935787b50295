using HelloWorld.Emulator.Voice;

namespace HelloWorld.Emulator.Tests.Voice;

/// <summary>
/// A call's cancellation sources: each BXML document's and the call's own are released when they are done with. A
/// disposed source's token still reads as cancelled but can no longer hand out a wait handle: the one public sign that
/// the source was disposed.
/// </summary>
public sealed class EmulatedCallTests
{
    private static readonly DateTimeOffset Now = DateTimeOffset.UnixEpoch;

    [Fact]
    public void BeginDocument_CancelsAndReleasesTheDocumentItReplaces()
    {
        var call = Call();
        var first = call.BeginDocument(CancellationToken.None);

        var second = call.BeginDocument(CancellationToken.None);

        Assert.True(first.IsCancellationRequested);
        Assert.Throws<ObjectDisposedException>(() => first.WaitHandle);
        Assert.False(second.IsCancellationRequested);
    }

    [Fact]
    public void TryEnd_CancelsAndReleasesTheRunningDocument_AndTheCallsOwnSource()
    {
        var call = Call();
        var document = call.BeginDocument(CancellationToken.None);

        Assert.True(call.TryEnd("hangup", null, Now));

        Assert.True(document.IsCancellationRequested);
        Assert.True(call.Ended.IsCancellationRequested);
        Assert.Throws<ObjectDisposedException>(() => document.WaitHandle);
        Assert.Throws<ObjectDisposedException>(() => call.Ended.WaitHandle);
    }

    [Fact]
    public void BeginDocument_OfAnEndedCall_IsCancelledAtOnce()
    {
        var call = Call();
        call.TryEnd("hangup", null, Now);

        Assert.True(call.BeginDocument(CancellationToken.None).IsCancellationRequested);
    }

    [Fact]
    public void BeginDocument_EndsWhenTheEmulatorStops()
    {
        using var stopping = new CancellationTokenSource();
        var document = Call().BeginDocument(stopping.Token);

        stopping.Cancel();

        Assert.True(document.IsCancellationRequested);
    }

    [Fact]
    public void TryEnd_WhenThePhaseGivesNoCause_LeavesTheCallAsItIs()
    {
        var call = Call();
        call.TryMove(CallPhase.Answered, Now);

        Assert.False(call.TryEnd(phase => phase == CallPhase.Ringing ? "timeout" : null, null, Now));

        Assert.Equal((CallPhase.Answered, null), (call.Phase, call.Cause));
        Assert.False(call.Ended.IsCancellationRequested);
    }

    private static EmulatedCall Call() => new(CallDirection.Outbound, "+19195550100", "+19195550123", Now)
    {
        Callbacks = new CallCallbacks("http://127.0.0.1/callAnswered", null, null, null, null, TimeSpan.FromSeconds(15), "app"),
    };
}

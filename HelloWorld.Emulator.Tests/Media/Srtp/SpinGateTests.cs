using HelloWorld.Emulator.Media.Srtp;

namespace HelloWorld.Emulator.Tests.Media.Srtp;

public sealed class SpinGateTests
{
    private sealed class Counter
    {
        public SpinGate Gate;
        public long Value;
    }

    [Fact]
    public void Enter_LetsOneThreadInAtATime_SoNoIncrementIsLost()
    {
        const int Threads = 4;
        const int IncrementsEach = 200_000;
        var counter = new Counter();

        var threads = Enumerable.Range(0, Threads).Select(_ => new Thread(() =>
        {
            for (var i = 0; i < IncrementsEach; i++)
            {
                counter.Gate.Enter();
                // A read and a write apart, so that two threads inside at once would lose one of their increments.
                var value = counter.Value;
                Thread.SpinWait(1);
                counter.Value = value + 1;
                counter.Gate.Exit();
            }
        }) { IsBackground = true }).ToList();
        threads.ForEach(thread => thread.Start());

        // Bounded, and background threads: a gate that never opens again must fail the test, not hang the run.
        Assert.All(threads, thread => Assert.True(thread.Join(TimeSpan.FromSeconds(15))));

        Assert.Equal(Threads * IncrementsEach, counter.Value);
    }

    [Fact]
    public async Task Exit_LetsTheNextEnterIn()
    {
        var counter = new Counter();
        counter.Gate.Enter();
        counter.Gate.Exit();

        var entered = Task.Run(() =>
        {
            counter.Gate.Enter();
            counter.Gate.Exit();
        });

        await entered.WaitAsync(TimeSpan.FromSeconds(10));
    }
}

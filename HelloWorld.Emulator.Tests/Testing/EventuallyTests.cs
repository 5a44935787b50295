using HelloWorld.Testing;

namespace HelloWorld.Emulator.Tests.Testing;

/// <summary>The polling helper both test projects share (HelloWorld.Testing).</summary>
public sealed class EventuallyTests
{
    [Fact]
    public async Task HoldsAsync_ReturnsTheFirstValueThatMeetsTheCondition()
    {
        var reads = 0;

        var value = await Eventually.HoldsAsync(() => ++reads, read => read == 3, "the third read", pollInterval: TimeSpan.Zero);

        Assert.Equal(3, value);
        Assert.Equal(3, reads);
    }

    [Fact]
    public async Task HoldsAsync_WhenTheConditionNeverHolds_FailsNamingWhatItAwaited_AndTheLastValueSeen()
    {
        var reads = 0;

        var failure = await Assert.ThrowsAsync<TimeoutException>(() => Eventually.HoldsAsync<string[]>(
            () => Task.FromResult(new[] { "read", (++reads).ToString(System.Globalization.CultureInfo.InvariantCulture) }),
            _ => false, "the call to end", TimeSpan.FromMilliseconds(100), TimeSpan.FromMilliseconds(10)));

        Assert.Contains("waiting for the call to end", failure.Message, StringComparison.Ordinal);
        Assert.EndsWith($"Last value seen: [\"read\",\"{reads}\"]", failure.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HoldsAsync_DescribesAValueByItsOwnText_WhenItsTypeWritesOne()
    {
        var failure = await Assert.ThrowsAsync<TimeoutException>(() => Eventually.HoldsAsync(
            () => new Reading("c-1", "ringing"), _ => false, "the call to end", TimeSpan.Zero));

        Assert.EndsWith("Last value seen: Reading { CallId = c-1, State = ringing }", failure.Message, StringComparison.Ordinal);
    }

    private sealed record Reading(string CallId, string State);
}

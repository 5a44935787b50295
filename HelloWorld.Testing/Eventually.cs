using System.Diagnostics;
using System.Text.Json;

namespace HelloWorld.Testing;

/// <summary>
/// Waits for what a test can only observe from outside: state another thread, a browser or a server changes. It polls
/// until a condition holds or a deadline passes; the failure says what was awaited and the last value seen.
/// </summary>
public static class Eventually
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(15);
    public static readonly TimeSpan DefaultPollInterval = TimeSpan.FromMilliseconds(50);
    private const int DescriptionLimit = 2000;

    /// <summary>Reads until <paramref name="condition"/> holds for the value read, and returns that value.</summary>
    /// <param name="what">What is awaited, as the failure message should name it: "the call to end".</param>
    /// <exception cref="TimeoutException">The condition did not hold within <paramref name="timeout"/>.</exception>
    public static Task<T> HoldsAsync<T>(Func<T> read, Func<T, bool> condition, string what, TimeSpan? timeout = null, TimeSpan? pollInterval = null) =>
        HoldsAsync(() => Task.FromResult(read()), condition, what, timeout, pollInterval);

    /// <inheritdoc cref="HoldsAsync{T}(Func{T}, Func{T, bool}, string, TimeSpan?, TimeSpan?)"/>
    public static async Task<T> HoldsAsync<T>(
        Func<Task<T>> read, Func<T, bool> condition, string what, TimeSpan? timeout = null, TimeSpan? pollInterval = null)
    {
        var limit = timeout ?? DefaultTimeout;
        var started = Stopwatch.GetTimestamp();
        var value = await read();
        while (!condition(value))
        {
            if (Stopwatch.GetElapsedTime(started) > limit)
            {
                throw new TimeoutException($"Timed out after {limit.TotalSeconds:0.#} s waiting for {what}. Last value seen: {Describe(value)}");
            }
            await Task.Delay(pollInterval ?? DefaultPollInterval);
            value = await read();
        }
        return value;
    }

    /// <summary>
    /// The value as a person debugging the failure wants it: its own text when its type writes one (records, JSON nodes,
    /// tuples), else its JSON.
    /// </summary>
    private static string Describe<T>(T value)
    {
        string text;
        if (value is null)
        {
            text = "null";
        }
        else if (value.GetType().GetMethod(nameof(ToString), Type.EmptyTypes)?.DeclaringType != typeof(object))
        {
            text = value.ToString() ?? "";
        }
        else
        {
            try
            {
                text = JsonSerializer.Serialize<object>(value);
            }
            catch (Exception exception) when (exception is NotSupportedException or JsonException or InvalidOperationException or ObjectDisposedException)
            {
                text = $"a {value.GetType().Name} (not serializable: {exception.Message})";
            }
        }
        return text.Length <= DescriptionLimit ? text : string.Concat(text.AsSpan(0, DescriptionLimit), " …");
    }
}

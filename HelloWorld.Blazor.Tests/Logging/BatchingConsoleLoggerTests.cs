using System.Reflection;
using System.Text;
using HelloWorld.Blazor.Logging;
using HelloWorld.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Tests.Logging;

/// <summary>
/// The app's console logger: Microsoft's format and options, lines handed to one writer that writes many at a time, in
/// order, never lost without a word, all written when it is disposed.
/// </summary>
public sealed class BatchingConsoleLoggerTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(30);

    [Fact]
    public void Lines_AreWrittenInMicrosoftsSimpleFormat_WithTheirException()
    {
        var output = new CountingWriter();
        using (var provider = Provider(output, new CountingWriter(), TimeSpan.Zero))
        {
            var logger = provider.CreateLogger("HelloWorld.Blazor.Webhooks.VoiceCallbacksController");
            logger.Log(LogLevel.Information, new EventId(3101), "Voice webhook initiate for call c-1");
            logger.Log(LogLevel.Error, new EventId(3107), new InvalidOperationException("boom"), "Unexpected failure for call c-2");
        }

        Assert.Equal(
            "info: HelloWorld.Blazor.Webhooks.VoiceCallbacksController[3101]\n" +
            "      Voice webhook initiate for call c-1\n" +
            "fail: HelloWorld.Blazor.Webhooks.VoiceCallbacksController[3107]\n" +
            "      Unexpected failure for call c-2\n" +
            "      System.InvalidOperationException: boom\n",
            output.Text.Replace(Environment.NewLine, "\n"));
    }

    [Fact]
    public void LinesFromManyThreads_AllArrive_EachThreadsInTheOrderItLoggedThem()
    {
        const int threads = 8, linesEach = 2_000;
        var output = new CountingWriter();
        using (var provider = Provider(output, new CountingWriter(), TimeSpan.FromMilliseconds(1), capacity: threads * linesEach))
        {
            Parallel.For(0, threads, new ParallelOptions { MaxDegreeOfParallelism = threads }, thread =>
            {
                var logger = provider.CreateLogger($"T{thread}");
                for (var i = 0; i < linesEach; i++)
                {
                    logger.LogInformation("{Thread} {Line}", thread, i);
                }
            });
        }

        var seen = new int[threads];
        foreach (var line in output.Text.Split('\n').Where(line => line.StartsWith("      ", StringComparison.Ordinal)))
        {
            var parts = line.Trim().Split(' ').Select(int.Parse).ToArray();
            Assert.Equal(seen[parts[0]], parts[1]);
            seen[parts[0]]++;
        }
        Assert.All(seen, count => Assert.Equal(linesEach, count));
    }

    [Fact]
    public async Task LinesLoggedTogether_GoOutInOneWrite()
    {
        var output = new CountingWriter();
        using var provider = Provider(output, new CountingWriter(), linger: TimeSpan.FromSeconds(2));
        var logger = provider.CreateLogger("Batch");

        for (var i = 0; i < 100; i++)
        {
            logger.LogInformation("line {Line}", i);
        }

        await Eventually.HoldsAsync(() => output.Text, text => text.Contains("line 99", StringComparison.Ordinal), "the lines to be written", TimeSpan.FromSeconds(30));
        Assert.Equal(1, output.Flushes);
    }

    [Fact]
    public async Task Dispose_WritesEveryWaitingLine_WithoutWaitingOutTheLinger()
    {
        var output = new CountingWriter();
        var provider = Provider(output, new CountingWriter(), Long);
        var logger = provider.CreateLogger("Stop");
        logger.LogInformation("first");
        logger.LogInformation("last");

        // Far less than the linger: Dispose cuts it short.
        await Task.Run(provider.Dispose).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Matches("(?s)first.*last", output.Text);
    }

    [Fact]
    public void LinesPastTheQueuesCapacity_AreDroppedWithoutBlocking_AndCounted_AndTheOutputSaysHowMany()
    {
        var output = new CountingWriter();
        var provider = Provider(output, new CountingWriter(), Long, capacity: 10);
        var logger = provider.CreateLogger("Flood");

        for (var i = 0; i < 25; i++)
        {
            logger.LogInformation("flood {Line}", i);
        }
        Assert.Equal(15, provider.Writer.Dropped);
        provider.Dispose();

        Assert.Contains("15 log line(s) dropped: more than 10 were waiting for the console", output.Text);
        Assert.Contains("flood 9", output.Text);
        Assert.DoesNotContain("flood 10", output.Text);
    }

    [Fact]
    public void LinesAtOrAboveTheStandardErrorThreshold_GoToStandardError()
    {
        var output = new CountingWriter();
        var error = new CountingWriter();
        using (var provider = Provider(output, error, TimeSpan.Zero, errorFrom: LogLevel.Warning))
        {
            var logger = provider.CreateLogger("Levels");
            logger.LogInformation("to output");
            logger.LogWarning("to error");
            logger.LogInformation("to output again");
        }

        Assert.Matches("(?s)to output.*to output again", output.Text);
        Assert.DoesNotContain("to error", output.Text);
        Assert.Contains("to error", error.Text);
    }

    [Fact]
    public void AddBatchingConsole_TakesTheConsoleLoggersPlace_UnderItsAlias()
    {
        var services = new ServiceCollection().AddLogging(logging => logging.AddConsole().AddBatchingConsole());
        using var container = services.BuildServiceProvider();

        var providers = container.GetServices<ILoggerProvider>().Select(provider => provider.GetType()).ToList();

        Assert.Contains(typeof(BatchingConsoleLoggerProvider), providers);
        Assert.DoesNotContain(typeof(ConsoleLoggerProvider), providers);
        // Logging:Console:LogLevel filters a provider by this alias.
        Assert.Equal("Console", typeof(BatchingConsoleLoggerProvider).GetCustomAttribute<ProviderAliasAttribute>()?.Alias);
    }

    private static BatchingConsoleLoggerProvider Provider(TextWriter output, TextWriter error, TimeSpan linger, int capacity = 2_500,
        LogLevel errorFrom = LogLevel.None)
    {
        var services = new ServiceCollection().AddLogging(logging => logging.AddConsole(console =>
        {
            console.MaxQueueLength = capacity;
            console.LogToStandardErrorThreshold = errorFrom;
        }).AddSimpleConsole(simple => simple.ColorBehavior = Microsoft.Extensions.Logging.Console.LoggerColorBehavior.Disabled));
        var container = services.BuildServiceProvider();
        return new BatchingConsoleLoggerProvider(container.GetRequiredService<IOptionsMonitor<ConsoleLoggerOptions>>(),
            container.GetServices<ConsoleFormatter>(), output, error, linger);
    }

    /// <summary>A console that keeps what it was given and counts the writer's flushes (one per write to the console).</summary>
    private sealed class CountingWriter : TextWriter
    {
        private readonly StringBuilder _text = new();
        private int _flushes;

        public override Encoding Encoding => Encoding.UTF8;

        public int Flushes => Volatile.Read(ref _flushes);

        public string Text
        {
            get
            {
                lock (_text)
                {
                    return _text.ToString();
                }
            }
        }

        public override void Write(char value)
        {
            lock (_text)
            {
                _text.Append(value);
            }
        }

        public override void Write(StringBuilder? value)
        {
            lock (_text)
            {
                _text.Append(value);
            }
        }

        public override void Flush() => Interlocked.Increment(ref _flushes);
    }
}

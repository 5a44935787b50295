using System.Text;
using Microsoft.Extensions.DependencyInjection.Extensions;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Logging.Console;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Logging;

/// <summary>
/// The console logger, with Microsoft's formatters and options (<c>Logging:Console</c>: the format, its options, the
/// standard-error threshold, the queue length), and a cheaper hand-off to the console (<see cref="ConsoleLineWriter"/>).
/// Its alias is Console's, so <c>Logging:Console:LogLevel</c> filters it as before.
/// </summary>
[ProviderAlias("Console")]
public sealed class BatchingConsoleLoggerProvider : ILoggerProvider, ISupportExternalScope
{
    private const string DroppedCategory = "HelloWorld.Blazor.Logging.ConsoleLineWriter";

    private readonly IOptionsMonitor<ConsoleLoggerOptions> _options;
    private readonly Dictionary<string, ConsoleFormatter> _formatters;
    private readonly IDisposable? _reload;
    private readonly ConsoleLineWriter _writer;
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public BatchingConsoleLoggerProvider(IOptionsMonitor<ConsoleLoggerOptions> options, IEnumerable<ConsoleFormatter> formatters)
        : this(options, formatters, StandardStream(Console.OpenStandardOutput()), StandardStream(Console.OpenStandardError()), ConsoleLineWriter.DefaultLinger)
    {
    }

    internal BatchingConsoleLoggerProvider(IOptionsMonitor<ConsoleLoggerOptions> options, IEnumerable<ConsoleFormatter> formatters,
        TextWriter output, TextWriter error, TimeSpan linger)
    {
        _options = options;
        _formatters = formatters.ToDictionary(formatter => formatter.Name, StringComparer.OrdinalIgnoreCase);
        Current = Resolve(options.CurrentValue);
        _reload = options.OnChange(changed => Current = Resolve(changed));
        _writer = new ConsoleLineWriter(output, error, options.CurrentValue.MaxQueueLength, linger, DroppedLine);
    }

    /// <summary>Replaced whole when the options change, so a logging thread never sees half of a change.</summary>
    internal ConsoleSettings Current { get; private set; }

    internal ConsoleLineWriter Writer => _writer;

    internal IExternalScopeProvider Scopes => _scopes;

    public ILogger CreateLogger(string categoryName) => new BatchingConsoleLogger(categoryName, this);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose()
    {
        _reload?.Dispose();
        _writer.Dispose();
    }

    private ConsoleSettings Resolve(ConsoleLoggerOptions options)
    {
        // As Microsoft's provider: the named formatter, else the one the obsolete Format names, else "simple".
#pragma warning disable CS0618 // Format is obsolete, and still honoured by the provider this one replaces
        var name = options.FormatterName ?? (options.Format == ConsoleLoggerFormat.Systemd ? ConsoleFormatterNames.Systemd : ConsoleFormatterNames.Simple);
#pragma warning restore CS0618
        var formatter = _formatters.GetValueOrDefault(name) ?? _formatters[ConsoleFormatterNames.Simple];
        return new(formatter, options.LogToStandardErrorThreshold);
    }

    private string DroppedLine(long dropped)
    {
        using var text = new StringWriter();
        var message = $"{dropped} log line(s) dropped: more than {_options.CurrentValue.MaxQueueLength} were waiting for the console " +
                      "(raise Logging:Console:MaxQueueLength or log less)";
        Current.Formatter.Write(new LogEntry<string>(LogLevel.Warning, DroppedCategory, new EventId(1), message, null, (state, _) => state), null, text);
        return text.ToString();
    }

    // A buffer for a whole batch, flushed once per batch by the writer: one write to the console, not one per line.
    private static StreamWriter StandardStream(Stream stream) => new(stream, new UTF8Encoding(encoderShouldEmitUTF8Identifier: false), 16 * 1024) { AutoFlush = false };
}

internal sealed record ConsoleSettings(ConsoleFormatter Formatter, LogLevel ToErrorFrom);

/// <summary>One category's logger: formats a line on the logging thread and hands it to the provider's writer.</summary>
internal sealed class BatchingConsoleLogger(string category, BatchingConsoleLoggerProvider provider) : ILogger
{
    // Formatting reuses one buffer per thread, as Microsoft's console logger does.
    [ThreadStatic]
    private static StringWriter? t_line;

    public IDisposable? BeginScope<TState>(TState state) where TState : notnull => provider.Scopes.Push(state);

    public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

    public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
    {
        if (!IsEnabled(logLevel))
        {
            return;
        }
        ArgumentNullException.ThrowIfNull(formatter);
        var (console, toErrorFrom) = provider.Current;
        var line = t_line ??= new StringWriter();
        console.Write(new LogEntry<TState>(logLevel, category, eventId, state, exception, formatter), provider.Scopes, line);
        var text = line.GetStringBuilder();
        if (text.Length == 0)
        {
            return;
        }
        provider.Writer.Add(text.ToString(), logLevel >= toErrorFrom);
        text.Clear();
        if (text.Capacity > 1024)
        {
            text.Capacity = 1024;
        }
    }
}

public static class BatchingConsoleLoggingExtensions
{
    /// <summary>
    /// Puts <see cref="BatchingConsoleLoggerProvider"/> in the place of Microsoft's console logger, with the same
    /// formatters and options. Not on Windows: there Microsoft's logger turns colour codes into console colours for
    /// consoles that do not read them, which this one does not do.
    /// </summary>
    public static ILoggingBuilder AddBatchingConsole(this ILoggingBuilder logging)
    {
        if (OperatingSystem.IsWindows())
        {
            return logging.AddConsole();
        }
        logging.AddConsole(); // its formatters and the binding of Logging:Console
        foreach (var microsofts in logging.Services.Where(d => d.ServiceType == typeof(ILoggerProvider) && d.ImplementationType == typeof(ConsoleLoggerProvider)).ToList())
        {
            logging.Services.Remove(microsofts);
        }
        logging.Services.TryAddEnumerable(ServiceDescriptor.Singleton<ILoggerProvider, BatchingConsoleLoggerProvider>());
        return logging;
    }
}

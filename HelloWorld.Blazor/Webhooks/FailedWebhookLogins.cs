using System.Net;
using System.Net.Sockets;
using HelloWorld.Blazor.Logging;
using Microsoft.Extensions.Options;

namespace HelloWorld.Blazor.Webhooks;

/// <summary>
/// Failed webhook authentications (wrong credentials; never Bandwidth's first attempt, which comes without any), counted
/// per client address in fixed windows of <see cref="VoiceWebhookOptions.FailedLoginWindow"/>. After
/// <see cref="VoiceWebhookOptions.FailedLoginBurst"/> failures an address gets 429 until its window ends, whatever it
/// sends, so guessing the password costs the guesser time. The log gets a bounded number of lines per address and window
/// (the first failure, the start of the throttle, a summary with the count), however many attempts there were.
/// </summary>
public sealed partial class FailedWebhookLogins : IDisposable
{
    /// <summary>Addresses beyond this many are not throttled (only counted): the table's memory stays bounded.</summary>
    public const int MaxTrackedAddresses = 10_000;

    private readonly TimeProvider _clock;
    private readonly IOptions<VoiceWebhookOptions> _options;
    private readonly ILogger<FailedWebhookLogins> _logger;
    private readonly ITimer _summaries;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, Window> _windows = new(StringComparer.Ordinal);
    private int _untracked;

    public FailedWebhookLogins(TimeProvider clock, IOptions<VoiceWebhookOptions> options, ILogger<FailedWebhookLogins> logger)
    {
        _clock = clock;
        _options = options;
        _logger = logger;
        var period = options.Value.FailedLoginWindow;
        _summaries = clock.CreateTimer(_ => Summarise(), null, period, period);
    }

    /// <summary>
    /// True when <paramref name="address"/> failed too often in its current window: answer 429 without looking at its
    /// credentials. Counted for the window's summary.
    /// </summary>
    public bool IsThrottled(IPAddress? address, out TimeSpan retryAfter)
    {
        var now = _clock.GetUtcNow();
        lock (_gate)
        {
            if (_windows.TryGetValue(Key(address), out var window) && window.IsOpen(now, _options.Value.FailedLoginWindow) &&
                window.Failures >= _options.Value.FailedLoginBurst)
            {
                window.Refused++;
                retryAfter = window.Start + _options.Value.FailedLoginWindow - now;
                return true;
            }
        }
        retryAfter = TimeSpan.Zero;
        return false;
    }

    /// <summary>Counts a webhook from <paramref name="address"/> that presented wrong credentials.</summary>
    public void RecordFailure(IPAddress? address, string path)
    {
        var now = _clock.GetUtcNow();
        var key = Key(address);
        var settings = _options.Value;
        int failures;
        lock (_gate)
        {
            if (!_windows.TryGetValue(key, out var window) || !window.IsOpen(now, settings.FailedLoginWindow))
            {
                if (window is not null)
                {
                    SummariseLocked(key, window);
                }
                if (window is null && _windows.Count >= MaxTrackedAddresses)
                {
                    _untracked++;
                    return;
                }
                window = new Window(now);
                _windows[key] = window;
            }
            failures = ++window.Failures;
        }
        if (failures == 1)
        {
            Log.WrongCredentials(_logger, LogText.Escape(path), key);
        }
        else if (failures == settings.FailedLoginBurst)
        {
            Log.Throttling(_logger, key, failures, settings.FailedLoginWindow);
        }
    }

    public void Dispose() => _summaries.Dispose();

    private void Summarise()
    {
        var now = _clock.GetUtcNow();
        lock (_gate)
        {
            foreach (var (key, window) in _windows.Where(entry => !entry.Value.IsOpen(now, _options.Value.FailedLoginWindow)).ToList())
            {
                SummariseLocked(key, window);
                _windows.Remove(key);
            }
            if (_untracked > 0)
            {
                Log.Untracked(_logger, _untracked, MaxTrackedAddresses);
                _untracked = 0;
            }
        }
    }

    private void SummariseLocked(string key, Window window)
    {
        if (window.Failures > 1 || window.Refused > 0)
        {
            Log.Summary(_logger, key, window.Failures, window.Refused, _options.Value.FailedLoginWindow);
        }
    }

    /// <summary>An IPv6 client usually holds a whole /64, so it counts as one address.</summary>
    private static string Key(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            return address.MapToIPv4().ToString();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    private sealed class Window(DateTimeOffset start)
    {
        public DateTimeOffset Start { get; } = start;

        public int Failures { get; set; }

        public int Refused { get; set; }

        public bool IsOpen(DateTimeOffset now, TimeSpan length) => now - Start < length;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3001, Level = LogLevel.Warning,
            Message = "Rejected a Voice webhook to {Path} from {RemoteAddress}: wrong credentials (further failures from this address are counted, and summarised once its window ends)")]
        public static partial void WrongCredentials(ILogger logger, string path, string remoteAddress);

        [LoggerMessage(EventId = 3002, Level = LogLevel.Warning,
            Message = "Throttling Voice webhooks from {RemoteAddress}: {Failures} failed authentications within {Window}; it gets 429 until the window ends")]
        public static partial void Throttling(ILogger logger, string remoteAddress, int failures, TimeSpan window);

        [LoggerMessage(EventId = 3003, Level = LogLevel.Warning,
            Message = "{Failures} failed Voice webhook authentications from {RemoteAddress} in a window of {Window}; {Refused} more requests answered 429")]
        public static partial void Summary(ILogger logger, string remoteAddress, int failures, int refused, TimeSpan window);

        [LoggerMessage(EventId = 3004, Level = LogLevel.Warning,
            Message = "{Failures} failed Voice webhook authentications came from addresses beyond the {Tracked} tracked ones (not throttled)")]
        public static partial void Untracked(ILogger logger, int failures, int tracked);
    }
}

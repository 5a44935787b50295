using System.Diagnostics;
using HelloWorld.Blazor.Logging;

namespace HelloWorld.Blazor.Conference;

/// <summary>
/// A warm first caller: as soon as the app listens, the session is created in the background, which also opens the
/// connection to Bandwidth's WebRTC API and runs the client's code once (RestSharp, the resilience pipeline, the JSON),
/// so the first browser or phone pays for its own participant only. Start is not delayed, and a failure costs nothing
/// but a log line: the session tracker forgets a failed creation, so the first caller creates the session as it always
/// could. The Voice API's connection is left to the first placed call: none of its operations is free to call idly.
/// </summary>
public sealed partial class WarmStart(ISessionTracker sessions, IHostApplicationLifetime lifetime, ILogger<WarmStart> logger)
    : IHostedService
{
    private Task _warming = Task.CompletedTask;

    /// <summary>The warm-up under way, or done (it never faults).</summary>
    internal Task Warming => _warming;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        // Once the server listens: in emulator mode Bandwidth's APIs are this host's own, and answer only then.
        // Stopping is signalled before any hosted service stops, so the wait below ends at once.
        lifetime.ApplicationStarted.Register(() => _warming = WarmAsync(lifetime.ApplicationStopping));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _warming.WaitAsync(cancellationToken);

    private async Task WarmAsync(CancellationToken stopping)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var sessionId = await sessions.GetSessionIdAsync(stopping).ConfigureAwait(false);
            Log.Warm(logger, sessionId, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            // Stopped before Bandwidth answered: the tracker finishes or forgets the creation on its own.
        }
        catch (Exception exception)
        {
            Log.Cold(logger, LogText.Escape(exception.Message));
        }
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 2091, Level = LogLevel.Information, Message = "Warm start: session {SessionId} ready for the first caller after {ElapsedMs:0} ms")]
        public static partial void Warm(ILogger logger, string sessionId, double elapsedMs);

        [LoggerMessage(EventId = 2092, Level = LogLevel.Warning, Message = "Warm start: could not create the session at start ({Reason}); the first caller tries again")]
        public static partial void Cold(ILogger logger, string reason);
    }
}

public static class WarmStartExtensions
{
    /// <summary>The session made at start, in the background (<see cref="WarmStart"/>).</summary>
    public static IServiceCollection AddWarmStart(this IServiceCollection services)
    {
        services.AddSingleton<WarmStart>();
        services.AddHostedService(sp => sp.GetRequiredService<WarmStart>());
        return services;
    }
}

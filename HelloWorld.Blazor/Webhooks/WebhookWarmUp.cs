using System.Diagnostics;
using HelloWorld.Blazor.Bandwidth.Bxml;
using HelloWorld.Blazor.Logging;
using HelloWorld.Blazor.Observability.Health;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Mvc;
using Microsoft.AspNetCore.Mvc.Infrastructure;
using Microsoft.AspNetCore.Mvc.Controllers;
using Microsoft.AspNetCore.Mvc.ModelBinding;

namespace HelloWorld.Blazor.Webhooks;

/// <summary>
/// A warm first webhook, beside <see cref="Conference.WarmStart"/> (which warms the WebRTC client): once the app listens,
/// in the background, what the first webhook would otherwise build while Bandwidth waits is built here. The endpoints
/// (MVC's action descriptors), the webhook actions' invokers (filters, model binders, the compiled action call), their
/// bodies' metadata, a BXML answer written once, and one request to <c>/health/live</c> through Kestrel, the middleware
/// and the router (whose matcher is built on the first request). It spends nothing at Bandwidth, creates nothing, and a
/// failure costs only a log line: the first webhook then builds what is missing, as it always could.
/// </summary>
public sealed partial class WebhookWarmUp(IServiceProvider services, IHostApplicationLifetime lifetime, ILogger<WebhookWarmUp> logger)
    : IHostedService
{
    private Task _warming = Task.CompletedTask;

    /// <summary>The warm-up under way, or done (it never faults).</summary>
    internal Task Warming => _warming;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        lifetime.ApplicationStarted.Register(() => _warming = Task.Run(() => WarmAsync(lifetime.ApplicationStopping)));
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => _warming.WaitAsync(cancellationToken);

    private async Task WarmAsync(CancellationToken stopping)
    {
        var started = Stopwatch.GetTimestamp();
        try
        {
            var actions = BuildWebhookInvokers();
            BxmlResponse.Write(
                BxmlVerb.SpeakSentence(VoiceCallbacksController.ConnectingSentence),
                BxmlVerb.TransferToWebRtc("sip:warm-up@warm-up.invalid", "warm-up", "c-00000000-warm-up"),
                BxmlVerb.Hangup());
            await RequestLivenessAsync(stopping).ConfigureAwait(false);
            Log.Warm(logger, actions, Stopwatch.GetElapsedTime(started).TotalMilliseconds);
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
        catch (Exception exception)
        {
            Log.Cold(logger, LogText.Escape(exception.Message));
        }
    }

    /// <summary>Builds each webhook action's invoker (cached by MVC per action) without running it.</summary>
    private int BuildWebhookInvokers()
    {
        var endpoints = services.GetRequiredService<EndpointDataSource>().Endpoints;
        var invokers = services.GetRequiredService<IActionInvokerFactory>();
        var metadata = services.GetRequiredService<IModelMetadataProvider>();
        using var scope = services.CreateScope();
        var built = 0;
        foreach (var endpoint in endpoints)
        {
            if (endpoint.Metadata.GetMetadata<ControllerActionDescriptor>() is not { } action ||
                !typeof(VoiceWebhookController).IsAssignableFrom(action.ControllerTypeInfo))
            {
                continue;
            }
            foreach (var parameter in action.Parameters)
            {
                metadata.GetMetadataForType(parameter.ParameterType);
            }
            var context = new ActionContext(new DefaultHttpContext { RequestServices = scope.ServiceProvider }, new RouteData(), action);
            if (invokers.CreateInvoker(context) is not null)
            {
                built++;
            }
        }
        return built;
    }

    /// <summary>One request through Kestrel, the middleware and the router; it checks nothing and logs nothing.</summary>
    private async Task RequestLivenessAsync(CancellationToken stopping)
    {
        var address = services.GetRequiredService<IServer>().Features.Get<IServerAddressesFeature>()?.Addresses
            .FirstOrDefault(address => address.StartsWith("http://", StringComparison.OrdinalIgnoreCase));
        if (address is null)
        {
            return; // https only, or a test server: there is no plain socket to warm
        }
        var self = new UriBuilder(address);
        if (self.Host is "0.0.0.0" or "[::]" or "+" or "*")
        {
            self.Host = "localhost";
        }
        using var client = new HttpClient { BaseAddress = self.Uri, Timeout = TimeSpan.FromSeconds(10) };
        using var response = await client.GetAsync(HealthEndpoints.LivePath, stopping).ConfigureAwait(false);
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 3121, Level = LogLevel.Information, Message = "Webhook warm-up: {Actions} webhook actions ready after {ElapsedMs:0} ms")]
        public static partial void Warm(ILogger logger, int actions, double elapsedMs);

        [LoggerMessage(EventId = 3122, Level = LogLevel.Warning, Message = "Webhook warm-up failed ({Reason}); the first webhook builds what it needs")]
        public static partial void Cold(ILogger logger, string reason);
    }
}

using System.Security.Cryptography;
using Microsoft.AspNetCore.Components.Server.Circuits;
using Microsoft.AspNetCore.SignalR;

namespace HelloWorld.Blazor.Security;

/// <summary>
/// One browser tab of the call page (one Blazor circuit): an id of its own, and the address of the client that opened
/// it. Inject it into the page; it is scoped to the circuit, so every component of one tab sees the same identity.
/// </summary>
/// <remarks>
/// The address is the one of the connection the circuit was started on (Blazor's <c>/_blazor</c> hub request, after
/// <c>UseForwardedHeaders</c>), captured by <see cref="CircuitClientAddressFilter"/> while the circuit is created. It is
/// never taken from anything the page sends: a tab cannot choose its own address, nor another tab's id.
/// </remarks>
public sealed partial class TabIdentity(ILogger<TabIdentity> logger) : CircuitHandler
{
    private ClientAddress? _client = CircuitClientAddressFilter.Current;

    /// <summary>Random, and known only to the server: it decides which calls this tab may hang up.</summary>
    public string TabId { get; } = Convert.ToHexString(RandomNumberGenerator.GetBytes(16));

    /// <summary>
    /// Whom the per-client ceilings count this tab against. <see cref="ClientAddress.Unknown"/> outside a circuit (while
    /// the page is prerendered), where it holds nothing.
    /// </summary>
    public ClientAddress Client => _client ?? ClientAddress.Unknown;

    public override Task OnCircuitOpenedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        // The framework may resolve circuit handlers before or while it opens the circuit; both run inside the hub call
        // that starts it.
        _client ??= CircuitClientAddressFilter.Current;
        Log.TabOpened(logger, TabId, Client.Key);
        return Task.CompletedTask;
    }

    public override Task OnCircuitClosedAsync(Circuit circuit, CancellationToken cancellationToken)
    {
        Log.TabClosed(logger, TabId);
        return Task.CompletedTask;
    }

    private static partial class Log
    {
        [LoggerMessage(EventId = 5001, Level = LogLevel.Information, Message = "Tab {TabId} opened by client {Client}")]
        public static partial void TabOpened(ILogger logger, string tabId, string client);

        [LoggerMessage(EventId = 5002, Level = LogLevel.Debug, Message = "Tab {TabId} closed")]
        public static partial void TabClosed(ILogger logger, string tabId);
    }
}

/// <summary>
/// Makes the address of a SignalR connection's client known to what runs inside its hub calls, Blazor's circuit
/// creation among them (see <see cref="TabIdentity"/>). SignalR gives hub methods the connection's request, whatever the
/// transport; the circuit's services have no other trustworthy way to it.
/// </summary>
public sealed class CircuitClientAddressFilter : IHubFilter
{
    private static readonly AsyncLocal<ClientAddress?> CurrentAddress = new();

    /// <summary>The client of the hub call under way, if any.</summary>
    public static ClientAddress? Current => CurrentAddress.Value;

    public async ValueTask<object?> InvokeMethodAsync(
        HubInvocationContext invocationContext, Func<HubInvocationContext, ValueTask<object?>> next)
    {
        var previous = CurrentAddress.Value;
        CurrentAddress.Value = invocationContext.Context.GetHttpContext() is { } http ? ClientAddress.Of(http) : null;
        try
        {
            return await next(invocationContext);
        }
        finally
        {
            CurrentAddress.Value = previous;
        }
    }
}

public static class TabIdentityExtensions
{
    /// <summary>
    /// <see cref="TabIdentity"/> per circuit (as itself and as a circuit handler, one instance), fed by
    /// <see cref="CircuitClientAddressFilter"/> on every hub.
    /// </summary>
    public static IServiceCollection AddTabIdentity(this IServiceCollection services)
    {
        services.AddScoped<TabIdentity>();
        services.AddScoped<CircuitHandler>(sp => sp.GetRequiredService<TabIdentity>());
        services.Configure<HubOptions>(hubs => hubs.AddFilter<CircuitClientAddressFilter>());
        return services;
    }
}

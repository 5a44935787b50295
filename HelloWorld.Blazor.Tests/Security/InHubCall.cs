using System.Net;
using System.Security.Claims;
using HelloWorld.Blazor.Security;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Connections.Features;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.SignalR;
using Microsoft.Extensions.Logging.Abstractions;

namespace HelloWorld.Blazor.Tests.Security;

/// <summary>
/// Runs code inside a SignalR hub call from a client at a given address, through the app's
/// <see cref="CircuitClientAddressFilter"/>, as Blazor creates a circuit's services inside its hub calls.
/// </summary>
public static class InHubCall
{
    /// <summary>A tab opened by a client at <paramref name="address"/>, as its circuit would make it.</summary>
    public static async Task<TabIdentity> TabFromAsync(string address) =>
        await RunAsync(address, () => new TabIdentity(NullLogger<TabIdentity>.Instance));

    public static async Task<T> RunAsync<T>(string? address, Func<T> inside)
    {
        var http = new DefaultHttpContext();
        http.Connection.RemoteIpAddress = address is null ? null : IPAddress.Parse(address);
        var invocation = new HubInvocationContext(new Caller(http), new EmptyServices(), new TestHub(),
            typeof(TestHub).GetMethod(nameof(TestHub.Start))!, []);
        T result = default!;
        await new CircuitClientAddressFilter().InvokeMethodAsync(invocation, _ =>
        {
            result = inside();
            return ValueTask.FromResult<object?>(null);
        });
        return result;
    }

    private sealed class TestHub : Hub
    {
        public void Start()
        {
        }
    }

    private sealed class EmptyServices : IServiceProvider
    {
        public object? GetService(Type serviceType) => null;
    }

    private sealed class Caller : HubCallerContext
    {
        private readonly FeatureCollection _features = new();

        public Caller(HttpContext http) => _features.Set<IHttpContextFeature>(new HttpContextFeature { HttpContext = http });

        public override string ConnectionId => "test-connection";

        public override string? UserIdentifier => null;

        public override ClaimsPrincipal? User => null;

        public override IDictionary<object, object?> Items { get; } = new Dictionary<object, object?>();

        public override IFeatureCollection Features => _features;

        public override CancellationToken ConnectionAborted => CancellationToken.None;

        public override void Abort()
        {
        }
    }

    private sealed class HttpContextFeature : IHttpContextFeature
    {
        public HttpContext? HttpContext { get; set; }
    }
}

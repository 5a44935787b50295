using System.Net;
using HelloWorld.Emulator.Http;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace HelloWorld.Emulator.Control;

/// <summary>
/// Keeps the control API to this machine. It has no credentials (it is a development tool) yet it dials phones, installs
/// faults and shows device tokens, so what reaches it is checked instead:
/// <list type="bullet">
/// <item>the peer is a loopback address, unless <see cref="EmulatorOptions.AllowRemoteControl"/> (403): an app bound to
/// 0.0.0.0 would otherwise serve it to the whole network;</item>
/// <item>the <c>Host</c> is a loopback name or address, or with remote control an IP address (403): a web page that
/// rebinds its own domain name to 127.0.0.1 sends its own name as the host, and must not read the answers;</item>
/// <item>an <c>Origin</c>, when a browser sends one, is the host's own (403): another page's requests are refused, so only
/// the phone simulator, served from here, drives it from a browser;</item>
/// <item>a body is JSON (415): a page may send <c>text/plain</c> across origins without asking, never <c>application/json</c>.</item>
/// </list>
/// </summary>
internal sealed partial class ControlApiGuard(IOptions<EmulatorOptions> options, ILogger<ControlApiGuard> logger) : IEndpointFilter
{
    public async ValueTask<object?> InvokeAsync(EndpointFilterInvocationContext context, EndpointFilterDelegate next)
    {
        var http = context.HttpContext;
        var request = http.Request;
        var remoteControl = options.Value.AllowRemoteControl;
        if (Refusal(http, remoteControl) is { } refusal)
        {
            // The route, not the path: a refused request may come from anyone, and its path from the attacker's pen.
            var route = (http.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText ?? "the control API";
            Log.Refused(logger, request.Method, route, refusal.Reason, http.Connection.RemoteIpAddress?.ToString() ?? "unknown");
            return Results.Json(new { error = refusal.Message }, ApiResults.Json, statusCode: refusal.Status);
        }
        return await next(context).ConfigureAwait(false);
    }

    private static (int Status, string Reason, string Message)? Refusal(HttpContext http, bool remoteControl)
    {
        var request = http.Request;
        if (!remoteControl && !IsLoopback(http.Connection.RemoteIpAddress))
        {
            return (StatusCodes.Status403Forbidden, "from another machine",
                "The emulator's control API answers this machine only. Set Emulator:AllowRemoteControl to true to drive it from another one.");
        }
        if (!IsAllowedHost(request.Host.Host, remoteControl))
        {
            return (StatusCodes.Status403Forbidden, "addressed to a host name that is not loopback",
                "The emulator's control API answers requests addressed to localhost or a loopback address (127.0.0.1, [::1])" +
                (remoteControl ? " or, as Emulator:AllowRemoteControl is true, to an IP address." : "."));
        }
        if (request.Headers.Origin is { Count: > 0 } origin && !IsSameOrigin(origin.ToString(), request))
        {
            return (StatusCodes.Status403Forbidden, "from a page of another origin",
                "The emulator's control API refuses requests from web pages of other origins; the phone simulator is served from here.");
        }
        if (HasBody(request) && !request.HasJsonContentType())
        {
            return (StatusCodes.Status415UnsupportedMediaType, "with a body that is not JSON",
                "The control API takes JSON bodies only: send Content-Type: application/json.");
        }
        return null;
    }

    private static bool IsLoopback(IPAddress? address) =>
        address is not null && IPAddress.IsLoopback(address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address);

    /// <summary>
    /// <c>localhost</c> and <c>*.localhost</c> (browsers resolve these to loopback themselves, RFC 6761) or a loopback
    /// address; with remote control also any IP address. A DNS rebinding attack needs a name of its own, so an address
    /// is never one.
    /// </summary>
    private static bool IsAllowedHost(string host, bool remoteControl)
    {
        if (host.Equals("localhost", StringComparison.OrdinalIgnoreCase) || host.EndsWith(".localhost", StringComparison.OrdinalIgnoreCase))
        {
            return true;
        }
        return IPAddress.TryParse(host.Trim('[', ']'), out var address) && (remoteControl || IsLoopback(address));
    }

    /// <summary>The origin a page served by this host has: same scheme, host and port as the request's.</summary>
    private static bool IsSameOrigin(string origin, HttpRequest request) =>
        Uri.TryCreate(origin, UriKind.Absolute, out var page) &&
        Uri.TryCreate($"{request.Scheme}://{request.Host}", UriKind.Absolute, out var self) &&
        Uri.Compare(page, self, UriComponents.SchemeAndServer, UriFormat.Unescaped, StringComparison.OrdinalIgnoreCase) == 0;

    /// <summary>A declared content type counts even with an empty body: what the sender says it sends is what is checked.</summary>
    private static bool HasBody(HttpRequest request) =>
        request.ContentLength > 0 || request.ContentType is not null ||
        (request.ContentLength is null && request.Headers.TransferEncoding.Count > 0);

    private static partial class Log
    {
        [LoggerMessage(EventId = 9121, Level = LogLevel.Warning, Message = "Control API refused {Method} {Route}: a request {Reason} (peer {Peer})")]
        public static partial void Refused(ILogger logger, string method, string route, string reason, string peer);
    }
}

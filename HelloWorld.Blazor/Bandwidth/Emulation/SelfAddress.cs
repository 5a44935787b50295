using System.Net;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace HelloWorld.Blazor.Bandwidth.Emulation;

/// <summary>
/// Where this app listens, as a URL a client on this machine can call: in emulator mode the app's Bandwidth clients call
/// the app itself. Known only once the server listens (<c>--urls http://127.0.0.1:0</c> picks the port then).
/// </summary>
public sealed class SelfAddress(IServer server)
{
    private string? _baseUrl;

    /// <summary>The app's own base URL without a trailing slash, e.g. <c>http://127.0.0.1:5270</c>.</summary>
    public string BaseUrl => _baseUrl ??= Resolve();

    private string Resolve()
    {
        var addresses = server.Features.Get<IServerAddressesFeature>()?.Addresses ?? [];
        var chosen = addresses.FirstOrDefault(a => a.StartsWith("http://", StringComparison.OrdinalIgnoreCase)) ?? addresses.FirstOrDefault()
            ?? throw new InvalidOperationException("The app is not listening yet, so the emulator has no address.");
        return Normalize(chosen);
    }

    /// <summary>Wildcards and <c>localhost</c> become <c>127.0.0.1</c>: an address to call, not to bind.</summary>
    public static string Normalize(string address)
    {
        var uri = new Uri(address.Replace("://*", "://0.0.0.0", StringComparison.Ordinal).Replace("://+", "://0.0.0.0", StringComparison.Ordinal));
        var host = uri.Host.Trim('[', ']');
        var callable = host is "0.0.0.0" or "::" or "localhost" || (IPAddress.TryParse(host, out var ip) && ip.Equals(IPAddress.IPv6Any))
            ? "127.0.0.1"
            : uri.Host;
        return $"{uri.Scheme}://{callable}:{uri.Port}";
    }
}

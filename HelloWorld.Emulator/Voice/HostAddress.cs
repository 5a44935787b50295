using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace HelloWorld.Emulator.Voice;

/// <summary>Resolves the Voice application's relative callback URLs against the address the emulator's host listens on.</summary>
internal sealed class HostAddress(IServer server)
{
    public string Resolve(string url)
    {
        // Not Uri.TryCreate alone: on Unix "/incomingCall" parses as an absolute file: URI.
        if (Uri.TryCreate(url, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https")
        {
            return url;
        }
        var listening = server.Features.Get<IServerAddressesFeature>()?.Addresses
            .OrderBy(address => address.StartsWith("https", StringComparison.OrdinalIgnoreCase))
            .FirstOrDefault()
            ?? throw new InvalidOperationException("The emulator's host is not listening yet.");
        var host = new Uri(listening.Replace("://*", "://127.0.0.1", StringComparison.Ordinal).Replace("://+", "://127.0.0.1", StringComparison.Ordinal)
            .Replace("://[::]", "://127.0.0.1", StringComparison.Ordinal).Replace("://0.0.0.0", "://127.0.0.1", StringComparison.Ordinal));
        return new Uri(host, url).ToString();
    }
}

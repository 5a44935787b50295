using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace HelloWorld.Emulator.Voice;

/// <summary>Resolves the Voice application's relative callback URLs against the address the emulator's host listens on.</summary>
internal sealed class HostAddress(IServer server, IOptions<EmulatorOptions> options)
{
    /// <summary>A Voice application's webhook: to <c>Emulator:CallbackBaseUrl</c> when set (a proxy before several app instances), else as <see cref="Resolve"/>.</summary>
    public string ResolveCallback(string url) =>
        options.Value.CallbackBaseUrl is { Length: > 0 } callbackBase && !IsAbsoluteHttp(url)
            ? callbackBase.TrimEnd('/') + "/" + url.TrimStart('/')
            : Resolve(url);

    public string Resolve(string url)
    {
        if (IsAbsoluteHttp(url))
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

    // Not Uri.TryCreate alone: on Unix "/incomingCall" parses as an absolute file: URI.
    private static bool IsAbsoluteHttp(string url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https";
}

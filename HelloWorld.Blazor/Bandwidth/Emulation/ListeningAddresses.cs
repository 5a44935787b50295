using System.Net;

namespace HelloWorld.Blazor.Bandwidth.Emulation;

/// <summary>Which of the addresses the app listens on other machines can reach.</summary>
public static class ListeningAddresses
{
    /// <summary>
    /// The addresses that are not loopback: wildcards (<c>0.0.0.0</c>, <c>[::]</c>, <c>*</c>, <c>+</c>), a LAN address, or a
    /// host name other than <c>localhost</c> (Kestrel binds a name it cannot resolve to loopback on every interface).
    /// </summary>
    public static IReadOnlyList<string> Reachable(IEnumerable<string> addresses) => [.. addresses.Where(address => !IsLoopback(address))];

    private static bool IsLoopback(string address)
    {
        var host = address.Replace("://*", "://wildcard", StringComparison.Ordinal).Replace("://+", "://wildcard", StringComparison.Ordinal);
        if (!Uri.TryCreate(host, UriKind.Absolute, out var uri))
        {
            return false;
        }
        var name = uri.Host.Trim('[', ']');
        return name.Equals("localhost", StringComparison.OrdinalIgnoreCase) || (IPAddress.TryParse(name, out var ip) && IPAddress.IsLoopback(ip));
    }
}

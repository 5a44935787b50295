using System.Net;
using System.Net.Sockets;

namespace HelloWorld.Blazor.Security;

/// <summary>
/// Who a client is, as far as an address can tell: what the per-client ceilings and limits count by. It comes from the
/// connection (after <c>UseForwardedHeaders</c> has believed a trusted proxy, and no one else), never from anything a
/// browser sends in a body or a query. An IPv6 client is counted by its /64, the block one subscriber gets: counting
/// single IPv6 addresses would give every client 2^64 identities.
/// </summary>
public readonly record struct ClientAddress
{
    private readonly string? _key;

    private ClientAddress(string key) => _key = key;

    /// <summary>Every client whose address the app cannot see: they share one count, so none of them escapes it.</summary>
    public static ClientAddress Unknown => default;

    /// <summary>What the counts are kept by: an IPv4 address, or an IPv6 /64 such as <c>2001:db8:1:2::/64</c>.</summary>
    public string Key => _key ?? "unknown";

    public static ClientAddress From(IPAddress? address)
    {
        if (address is null)
        {
            return Unknown;
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6 || IPAddress.IsLoopback(address))
        {
            return new ClientAddress(address.ToString());
        }
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new ClientAddress($"{new IPAddress(bytes)}/64");
    }

    /// <summary>The address of the request's client, as <c>UseForwardedHeaders</c> left it.</summary>
    public static ClientAddress Of(HttpContext context) => From(context.Connection.RemoteIpAddress);

    public override string ToString() => Key;
}

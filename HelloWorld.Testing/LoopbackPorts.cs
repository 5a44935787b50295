using System.Net;
using System.Net.Sockets;

namespace HelloWorld.Testing;

/// <summary>Loopback ports for servers a test starts itself, and for addresses that must refuse connections.</summary>
public static class LoopbackPorts
{
    /// <summary>A port the system just handed out and let go: free for a server to take, closed until one does.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

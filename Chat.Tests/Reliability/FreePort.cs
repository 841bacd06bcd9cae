using System.Net;
using System.Net.Sockets;

namespace Chat.Tests.Reliability;

/// <summary>A loopback port that nothing listens on now: the system picks it, and it is released at once, so that a
/// process started next (and started again after a kill) can bind it.</summary>
internal static class FreePort
{
    public static int Next()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}

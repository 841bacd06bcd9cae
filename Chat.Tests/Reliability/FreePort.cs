using System.Net;
using System.Net.Sockets;

namespace Chat.Tests.Reliability;

/// <summary>
/// A loopback port that nothing listens on now, so that a process started next (and started again after a kill)
/// can bind it. It is drawn below the kernel's ephemeral range (32768 and up on Linux): a port the system hands out
/// for bind(0) is also one it hands to outgoing connections, which could take it before the process binds it.
/// </summary>
internal static class FreePort
{
    private const int First = 20_000;
    private const int Last = 32_000;

    public static int Next()
    {
        for (var attempt = 0; attempt < 100; attempt++)
        {
            var port = Random.Shared.Next(First, Last);
            try
            {
                using var listener = new TcpListener(IPAddress.Loopback, port);
                listener.Start();
                return port;
            }
            catch (SocketException)
            {
                // Taken; draw another.
            }
        }

        throw new InvalidOperationException($"No free loopback port between {First} and {Last}.");
    }
}

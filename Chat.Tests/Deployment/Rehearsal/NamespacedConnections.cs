using System.Net.Sockets;
using Grpc.Net.Client;

namespace Chat.Tests.Deployment.Rehearsal;

/// <summary>
/// HTTP and gRPC clients whose sockets belong to a network namespace of the rehearsal, so that the test process talks
/// to the pods as a machine on their network would, never through the host's own interfaces.
/// </summary>
internal static class NamespacedConnections
{
    public static SocketsHttpHandler Handler(string networkNamespace) => new()
    {
        ConnectCallback = async (context, cancellationToken) =>
        {
            var socket = CreateSocket(networkNamespace);
            try
            {
                await socket.ConnectAsync(context.DnsEndPoint, cancellationToken);
                return new NetworkStream(socket, ownsSocket: true);
            }
            catch
            {
                socket.Dispose();
                throw;
            }
        },
        PooledConnectionLifetime = TimeSpan.FromSeconds(5),
    };

    public static HttpClient HttpClient(string networkNamespace) =>
        new(Handler(networkNamespace)) { Timeout = TimeSpan.FromSeconds(10) };

    public static GrpcChannel GrpcChannel(string networkNamespace, Uri address) =>
        Grpc.Net.Client.GrpcChannel.ForAddress(
            address, new GrpcChannelOptions { HttpHandler = Handler(networkNamespace) });

    public static async Task<bool> CanConnectAsync(
        string networkNamespace, string address, int port, CancellationToken token)
    {
        using var socket = CreateSocket(networkNamespace);
        try
        {
            await socket.ConnectAsync(address, port, token);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    /// <summary>
    /// A socket lives in the namespace of the thread that creates it, so a short-lived thread enters the namespace,
    /// creates it, and ends there; the calling thread never moves.
    /// </summary>
    private static Socket CreateSocket(string networkNamespace)
    {
        Socket? socket = null;
        Exception? failure = null;
        var thread = new Thread(() =>
        {
            try
            {
                LinuxCalls.EnterNetworkNamespace(PodNetwork.NamespacePath(networkNamespace));
                socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
                {
                    NoDelay = true,
                };
            }
            catch (Exception exception)
            {
                failure = exception;
            }
        });
        thread.Start();
        thread.Join();

        return socket ?? throw new InvalidOperationException($"No socket in {networkNamespace}.", failure);
    }
}

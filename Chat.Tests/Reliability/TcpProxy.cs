using System.Net;
using System.Net.Sockets;

namespace Chat.Tests.Reliability;

/// <summary>
/// A TCP relay on a loopback port in front of another. Armed, it drops the next bytes the target sends back and
/// cuts that connection: the request has gone through and been acted on, the reply never arrives. On a warm HTTP/2
/// connection the first bytes back after a request are its response, so this is a reply lost after the work was done.
/// </summary>
internal sealed class TcpProxy : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly int _targetPort;
    private readonly CancellationTokenSource _stop = new();
    private readonly List<Socket> _sockets = [];
    private readonly Lock _gate = new();
    private readonly Task _accepting;
    private int _repliesToCut;
    private int _repliesCut;

    public TcpProxy(int targetPort)
    {
        _targetPort = targetPort;
        _listener.Start();
        _accepting = AcceptAsync();
    }

    public int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    /// <summary>How many replies were dropped with their connections.</summary>
    public int RepliesCut => Volatile.Read(ref _repliesCut);

    /// <summary>Drop the next <paramref name="count"/> replies, whichever connections they come back on.</summary>
    public void CutNextReplies(int count) => Volatile.Write(ref _repliesToCut, count);

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        _listener.Stop();
        lock (_gate)
        {
            foreach (var socket in _sockets)
            {
                socket.Dispose();
            }
        }

        await _accepting;
        _stop.Dispose();
    }

    private async Task AcceptAsync()
    {
        try
        {
            while (!_stop.IsCancellationRequested)
            {
                var client = await _listener.AcceptSocketAsync(_stop.Token);
                var target = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
                await target.ConnectAsync(IPAddress.Loopback, _targetPort, _stop.Token);
                lock (_gate)
                {
                    _sockets.Add(client);
                    _sockets.Add(target);
                }

                _ = RelayAsync(client, target, cutReplies: false);
                _ = RelayAsync(target, client, cutReplies: true);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException
            or ObjectDisposedException)
        {
            // The proxy is stopping, or the target is down: either way there is nothing more to relay.
        }
    }

    private async Task RelayAsync(Socket from, Socket to, bool cutReplies)
    {
        var buffer = new byte[64 * 1024];
        try
        {
            while (true)
            {
                var read = await from.ReceiveAsync(buffer, SocketFlags.None, _stop.Token);
                if (read == 0)
                {
                    to.Shutdown(SocketShutdown.Send);
                    return;
                }

                if (cutReplies && TakeCut())
                {
                    Cut(from, to);
                    return;
                }

                await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, _stop.Token);
            }
        }
        catch (Exception exception) when (exception is OperationCanceledException or SocketException
            or ObjectDisposedException)
        {
            Cut(from, to);
        }
    }

    private bool TakeCut()
    {
        lock (_gate)
        {
            if (_repliesToCut <= 0)
            {
                return false;
            }

            _repliesToCut--;
            _repliesCut++;
            return true;
        }
    }

    /// <summary>Closes both sides at once with a reset, as a crashed peer or a broken network would.</summary>
    private static void Cut(Socket first, Socket second)
    {
        foreach (var socket in new[] { first, second })
        {
            try
            {
                socket.LingerState = new LingerOption(true, 0);
                socket.Close();
            }
            catch (ObjectDisposedException)
            {
                // Already closed by the other direction's relay.
            }
        }
    }
}

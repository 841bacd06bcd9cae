using System.Net;
using System.Net.Sockets;
using System.Text;

namespace Chat.Tests.Reliability;

/// <summary>An HTTP/1.1 response as it came off the socket.</summary>
internal sealed record RawResponse(int Status, IReadOnlyDictionary<string, string> Headers, byte[] Body)
{
    public string? Header(string name) => Headers.TryGetValue(name, out var value) ? value : null;

    public string BodyText => Encoding.UTF8.GetString(Body);
}

/// <summary>
/// HTTP/1.1 over a plain socket, byte for byte as a test writes it, so that requests no client library would send
/// (broken framing, bad bytes, slow trickles) reach the server as they are.
/// </summary>
internal static class RawHttp
{
    /// <summary>Writes each part after its pause, then reads the answer. A server may answer and close before the
    /// whole request is written; the answer is still read.</summary>
    public static async Task<RawResponse> ExchangeAsync(
        int port, IReadOnlyList<(TimeSpan Pause, byte[] Bytes)> parts, TimeSpan timeout)
    {
        using var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(IPAddress.Loopback, port);
        try
        {
            foreach (var (pause, bytes) in parts)
            {
                await Task.Delay(pause);
                await socket.SendAsync(bytes);
            }
        }
        catch (SocketException)
        {
            // The server closed the connection early, which it does once it has refused the request.
        }

        return await ReadResponseAsync(socket, timeout);
    }

    /// <summary>Reads one response: headers, then a body framed by Content-Length, chunks, or the close.</summary>
    public static async Task<RawResponse> ReadResponseAsync(Socket socket, TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        var received = new List<byte>();
        var buffer = new byte[16 * 1024];
        int headerEnd;
        while ((headerEnd = IndexOf(received, "\r\n\r\n"u8)) < 0)
        {
            if (await ReceiveAsync(socket, buffer, received, cancel.Token) == 0)
            {
                throw new IOException("The connection closed before a complete response head: "
                    + Encoding.ASCII.GetString([.. received]));
            }
        }

        var head = Encoding.ASCII.GetString([.. received.Take(headerEnd)]).Split("\r\n");
        var status = int.Parse(head[0].Split(' ')[1]);
        var headers = head.Skip(1)
            .Select(line => line.Split(':', 2))
            .GroupBy(pair => pair[0].Trim(), StringComparer.OrdinalIgnoreCase)
            .ToDictionary(group => group.Key, group => group.Last()[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var body = received.Skip(headerEnd + 4).ToList();

        if (headers.TryGetValue("Content-Length", out var length))
        {
            while (body.Count < int.Parse(length) && await ReceiveAsync(socket, buffer, body, cancel.Token) > 0)
            {
            }
        }
        else if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked"))
        {
            while (IndexOf(body, "0\r\n\r\n"u8) < 0 && await ReceiveAsync(socket, buffer, body, cancel.Token) > 0)
            {
            }

            body = Unchunk(body);
        }
        else
        {
            while (await ReceiveAsync(socket, buffer, body, cancel.Token) > 0)
            {
            }
        }

        return new RawResponse(status, headers, [.. body]);
    }

    private static async Task<int> ReceiveAsync(Socket socket, byte[] buffer, List<byte> into, CancellationToken cancel)
    {
        try
        {
            var read = await socket.ReceiveAsync(buffer, SocketFlags.None, cancel);
            into.AddRange(buffer.AsSpan(0, read));
            return read;
        }
        catch (SocketException exception) when (exception.SocketErrorCode == SocketError.ConnectionReset)
        {
            return 0;
        }
    }

    private static List<byte> Unchunk(List<byte> chunked)
    {
        var body = new List<byte>();
        var position = 0;
        while (true)
        {
            var lineEnd = IndexOf(chunked.Skip(position).ToList(), "\r\n"u8);
            var size = Convert.ToInt32(Encoding.ASCII.GetString([.. chunked.Skip(position).Take(lineEnd)]), 16);
            if (size == 0)
            {
                return body;
            }

            body.AddRange(chunked.Skip(position + lineEnd + 2).Take(size));
            position += lineEnd + 2 + size + 2;
        }
    }

    private static int IndexOf(List<byte> haystack, ReadOnlySpan<byte> needle)
    {
        var bytes = haystack.ToArray().AsSpan();
        return bytes.IndexOf(needle);
    }
}

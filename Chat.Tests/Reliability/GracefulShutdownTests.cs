using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text;
using Grpc.Health.V1;

namespace Chat.Tests.Reliability;

/// <summary>
/// SIGTERM under load: readiness turns false first, requests keep being served for the drain delay, the ones in
/// flight when Kestrel stops still complete, and the process exits by itself within its shutdown timeout.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class GracefulShutdownTests
{
    private static readonly TimeSpan DrainDelay = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan ShutdownTimeout = TimeSpan.FromSeconds(10);

    /// <summary>How long a router takes to stop sending to a replica after its readiness probe fails.</summary>
    private static readonly TimeSpan RoutingDelay = TimeSpan.FromMilliseconds(500);

    [Fact]
    public async Task Http_server_on_SIGTERM_turns_unready_first_then_finishes_requests_in_flight_and_exits()
    {
        await using var services = new ChatServices();
        services.HttpSettings["ChatApi:RateLimitPerSecond"] = "0";
        services.HttpSettings["Shutdown:DrainDelay"] = DrainDelay.ToString();
        services.HttpSettings["Shutdown:Timeout"] = ShutdownTimeout.ToString();
        await services.StartAsync();
        var load = new SendLoad(services.Http, Guid.NewGuid().ToString("N")[..8], conversations: 2);
        using var routed = new CancellationTokenSource();
        var sending = load.RunAsync(routed.Token);
        Assert.True(await ChatServices.EventuallyAsync(() => Task.FromResult(load.Tally.Acknowledged >= 20),
            TimeSpan.FromSeconds(30)));
        await using var slow = await SlowSend.StartAsync(services.HttpPort, "slowpoke:zed", "slowpoke", "in flight");

        var signalled = Stopwatch.StartNew();
        services.HttpServer.Terminate();
        Assert.True(await ChatServices.EventuallyAsync(async () => !await services.IsHttpReadyAsync(), DrainDelay),
            "/health did not turn unhealthy during the drain delay.");
        var acknowledgedWhenUnready = load.Tally.Acknowledged;
        await Task.Delay(RoutingDelay, TestContext.Current.CancellationToken);
        var servedWhileUnready = load.Tally.Acknowledged - acknowledgedWhenUnready;
        await routed.CancelAsync();
        await sending;

        Assert.True(await ChatServices.EventuallyAsync(
            () => Task.FromResult(!AcceptsConnections(services.HttpPort)), ShutdownTimeout));
        var (status, sendTime) = await slow.FinishAsync();
        var exited = await services.HttpServer.WaitForExitAsync(ShutdownTimeout);
        var exitTime = signalled.Elapsed;

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"[httpserver SIGTERM] {load.Summary} served_while_unready={servedWhileUnready} "
            + $"in_flight_status={status} exit_after_ms={exitTime.TotalMilliseconds:0}");
        Assert.True(servedWhileUnready > 0, "Nothing was served between readiness turning false and the routing.");
        Assert.Equal(HttpStatusCode.OK, status);
        Assert.True(exited, $"The HTTP server did not exit within {ShutdownTimeout}.");
        Assert.Equal(0, services.HttpServer.ExitCode);
        Assert.True(exitTime >= DrainDelay, $"It exited after {exitTime}, before its drain delay of {DrainDelay}.");
        Assert.Equal(load.Tally.Attempted, load.Tally.Acknowledged);
        Assert.Equal(0, load.Tally.Unclear);

        await services.StartHttpServerAsync();
        var audit = await StoredAudit.CheckAsync(services.Http, load);
        TestContext.Current.TestOutputHelper?.WriteLine($"[httpserver SIGTERM] {audit.Summary}");
        FaultRun.AssertNothingLostOrDuplicated(load, audit);
        Assert.Contains(sendTime, await StoredSendTimesAsync(services.Http, "slowpoke:zed"));
    }

    [Fact]
    public async Task Rpc_server_on_SIGTERM_turns_unready_first_then_drains_and_exits_losing_nothing()
    {
        await using var services = new ChatServices();
        services.HttpSettings["ChatApi:RateLimitPerSecond"] = "0";
        services.RpcSettings["Shutdown:DrainDelay"] = DrainDelay.ToString();
        services.RpcSettings["Shutdown:Timeout"] = ShutdownTimeout.ToString();
        await services.StartAsync();
        var servedWhileUnready = 0;
        var exitTime = TimeSpan.Zero;

        var (load, audit) = await FaultRun.UnderLoadAsync("rpcserver SIGTERM", services, async load =>
        {
            var signalled = Stopwatch.StartNew();
            services.RpcServer.Terminate();
            Assert.True(
                await ChatServices.EventuallyAsync(
                    async () => await services.RpcHealthAsync() == HealthCheckResponse.Types.ServingStatus.NotServing,
                    DrainDelay),
                "The RPC server's gRPC health did not turn NOT_SERVING during the drain delay.");
            var acknowledgedWhenUnready = load.Tally.Acknowledged;
            await Task.Delay(RoutingDelay);
            servedWhileUnready = load.Tally.Acknowledged - acknowledgedWhenUnready;

            Assert.True(await services.RpcServer.WaitForExitAsync(ShutdownTimeout),
                $"The RPC server did not exit within {ShutdownTimeout}.");
            exitTime = signalled.Elapsed;
            Assert.Equal(0, services.RpcServer.ExitCode);
            await services.StartRpcServerAsync();
        });

        TestContext.Current.TestOutputHelper?.WriteLine(
            $"[rpcserver SIGTERM] served_while_unready={servedWhileUnready} "
            + $"exit_after_ms={exitTime.TotalMilliseconds:0}");
        FaultRun.AssertNothingLostOrDuplicated(load, audit);
        Assert.True(servedWhileUnready > 0, "No send was served between readiness turning false and the routing.");
        Assert.True(exitTime >= DrainDelay, $"It exited after {exitTime}, before its drain delay of {DrainDelay}.");
    }

    private static bool AcceptsConnections(int port)
    {
        try
        {
            using var probe = new TcpClient();
            probe.Connect(IPAddress.Loopback, port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static async Task<long[]> StoredSendTimesAsync(HttpClient http, string chat)
    {
        using var page = System.Text.Json.JsonDocument.Parse(
            await http.GetStringAsync($"/api/pull?chat={Uri.EscapeDataString(chat)}&limit=100"));
        return [.. page.RootElement.GetProperty("messages").EnumerateArray()
            .Select(message => message.GetProperty("send_time").GetInt64())];
    }

    /// <summary>A send whose body is held back halfway: in flight when the server is told to stop.</summary>
    private sealed class SlowSend : IAsyncDisposable
    {
        private readonly Socket _socket;
        private readonly byte[] _rest;

        private SlowSend(Socket socket, byte[] rest)
        {
            _socket = socket;
            _rest = rest;
        }

        public static async Task<SlowSend> StartAsync(int port, string chat, string sender, string text)
        {
            var body = Encoding.UTF8.GetBytes($$"""{"chat":"{{chat}}","sender":"{{sender}}","text":"{{text}}"}""");
            var head = Encoding.ASCII.GetBytes(
                $"POST /api/send HTTP/1.1\r\nHost: localhost\r\nContent-Type: application/json\r\n"
                + $"Content-Length: {body.Length}\r\n\r\n");
            var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
            await socket.ConnectAsync(IPAddress.Loopback, port);
            var half = body.Length / 2;
            await socket.SendAsync(head.Concat(body.Take(half)).ToArray());

            // Give the server time to start the request and block on the body.
            await Task.Delay(200);
            return new SlowSend(socket, body[half..]);
        }

        /// <summary>Sends the rest of the body and reads the answer: its status and the stored send_time.</summary>
        public async Task<(HttpStatusCode Status, long SendTime)> FinishAsync()
        {
            await _socket.SendAsync(_rest);
            var response = await RawHttp.ReadResponseAsync(_socket, TimeSpan.FromSeconds(10));
            if (response.Status != 200)
            {
                return ((HttpStatusCode)response.Status, 0);
            }

            using var message = System.Text.Json.JsonDocument.Parse(response.Body);
            return (HttpStatusCode.OK, message.RootElement.GetProperty("send_time").GetInt64());
        }

        public ValueTask DisposeAsync()
        {
            _socket.Dispose();
            return ValueTask.CompletedTask;
        }
    }
}

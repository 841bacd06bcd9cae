using Chat.Tests.Distributed;
using Chat.Tests.Store;

namespace Chat.Tests.Live;

/// <summary>
/// Two replicas of each service against one store server: HTTP server i calls RPC server i, so a message sent
/// through one HTTP server reaches a subscriber of the other only through the store and its pub/sub.
/// </summary>
internal sealed class LiveReplicas : IAsyncDisposable
{
    /// <summary>The per-client subscription limit the replicas run with, low enough to reach in a test.</summary>
    public const int MaxSubscriptionsPerClient = 4;

    private const int ReplicaCount = 2;
    private const int WarmUpAttempts = 5;

    private readonly List<ServiceProcess> _processes;

    private LiveReplicas(List<ServiceProcess> processes, IReadOnlyList<HttpClient> http)
    {
        _processes = processes;
        Http = http;
    }

    /// <summary>One client per HTTP server replica.</summary>
    public IReadOnlyList<HttpClient> Http { get; }

    public static async Task<LiveReplicas> StartAsync(StoreServer store)
    {
        var processes = new List<ServiceProcess>();
        try
        {
            var rpc = await Task.WhenAll(Enumerable.Range(0, ReplicaCount).Select(_ => ServiceProcess.StartAsync(
                "Chat.RpcServer",
                new Dictionary<string, string> { ["ConnectionStrings__redis"] = $"127.0.0.1:{store.Port}" })));
            processes.AddRange(rpc);

            var http = await Task.WhenAll(rpc.Select(server => ServiceProcess.StartAsync(
                "Chat.HttpServer",
                new Dictionary<string, string>
                {
                    ["ChatApi__RpcServerAddress"] = server.Address.ToString(),
                    ["ChatApi__MaxSubscriptionsPerClient"] = MaxSubscriptionsPerClient.ToString(),
                })));
            processes.AddRange(http);

            var clients = http.Select(server => new HttpClient
            {
                BaseAddress = server.Address,
                Timeout = Timeout.InfiniteTimeSpan,
            }).ToList();
            await Task.WhenAll(clients.Select(WarmUpAsync));
            return new LiveReplicas(processes, clients);
        }
        catch
        {
            foreach (var process in processes)
            {
                await process.DisposeAsync();
            }

            throw;
        }
    }

    /// <summary>
    /// Sends one message through a fresh replica until it is stored: on a loaded machine the first call through a
    /// cold process and its RPC server can outlast the 5 s deadline, which is no part of what the tests are about.
    /// The idempotency key makes the retries store the message once.
    /// </summary>
    private static async Task WarmUpAsync(HttpClient client)
    {
        var key = Guid.NewGuid().ToString();
        for (var attempt = 1; ; attempt++)
        {
            using var response = await client.SendJsonAsync(
                HttpMethod.Post, "/api/send", new { chat = "warm:up", sender = "warm", text = "warm up" }, key);
            if (response.IsSuccessStatusCode || attempt == WarmUpAttempts)
            {
                response.EnsureSuccessStatusCode();
                return;
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var client in Http)
        {
            client.Dispose();
        }

        foreach (var process in _processes)
        {
            await process.DisposeAsync();
        }
    }
}

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using StackExchange.Redis;

namespace Chat.Tests.Reliability;

/// <summary>
/// The HTTP server reaches the RPC server through a proxy that can drop a reply after the send was stored. Redis
/// itself is the witness: it counts the send script's runs and holds the messages.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class LostReplyTests : IAsyncLifetime
{
    private const int HttpServerAttempts = 3;

    private readonly ChatServices _services = new();
    private TcpProxy _proxy = null!;
    private ConnectionMultiplexer _redis = null!;

    public async ValueTask InitializeAsync()
    {
        _proxy = new TcpProxy(_services.RpcPort);
        _services.HttpSettings["ChatApi:RpcServerAddress"] = $"http://127.0.0.1:{_proxy.Port}";
        await _services.StartAsync();
        _redis = await _services.Redis.ConnectAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _redis?.Dispose();
        await _services.DisposeAsync();
        await _proxy.DisposeAsync();
    }

    [Fact]
    public async Task Lost_reply_retried_by_the_http_server_stores_the_send_once()
    {
        var chat = NewConversation();
        await WarmAsync(chat);
        var scriptRunsBefore = await ScriptRuns.CountAsync(_redis);

        _proxy.CutNextReplies(1);
        using var response = await _services.Http.PostAsJsonAsync(
            "/api/send", new { chat, sender = "amy", text = "hello once" }, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal(1, _proxy.RepliesCut);
        Assert.Equal(2, await ScriptRuns.CountAsync(_redis) - scriptRunsBefore);
        var stored = await StoredAsync(chat);
        var only = Assert.Single(stored);
        Assert.Equal(await SendTimeAsync(response), (long)only.Score);
    }

    [Fact]
    public async Task Lost_reply_retried_by_the_client_with_the_same_key_stores_the_send_once()
    {
        var chat = NewConversation();
        await WarmAsync(chat);

        _proxy.CutNextReplies(HttpServerAttempts);
        using var lost = await SendWithKeyAsync(chat, "key-1");
        Assert.Equal(HttpStatusCode.ServiceUnavailable, lost.StatusCode);
        Assert.NotNull(lost.Headers.RetryAfter);
        var storedDespiteFailure = Assert.Single(await StoredAsync(chat));

        using var retry = await SendWithKeyAsync(chat, "key-1");

        Assert.Equal(HttpStatusCode.OK, retry.StatusCode);
        Assert.Equal(HttpServerAttempts, _proxy.RepliesCut);
        var only = Assert.Single(await StoredAsync(chat));
        Assert.Equal(storedDespiteFailure, only);
        Assert.Equal(await SendTimeAsync(retry), (long)only.Score);
    }

    private static string NewConversation() => $"amy:bo-{Guid.NewGuid():N}"[..24];

    /// <summary>A pull through the proxy, so that the HTTP/2 connection to the RPC server is open.</summary>
    private async Task WarmAsync(string chat)
    {
        using var response = await _services.Http.GetAsync(
            $"/api/pull?chat={Uri.EscapeDataString(chat)}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private Task<HttpResponseMessage> SendWithKeyAsync(string chat, string key)
    {
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/send")
        {
            Content = JsonContent.Create(new { chat, sender = "amy", text = "hello once" }),
        };
        request.Headers.Add("Idempotency-Key", key);
        return _services.Http.SendAsync(request, TestContext.Current.CancellationToken);
    }

    private async Task<SortedSetEntry[]> StoredAsync(string chat)
    {
        var server = _redis.GetServer(_redis.GetEndPoints()[0]);
        var keys = new List<RedisKey>();
        await foreach (var key in server.KeysAsync(pattern: "chat:*:messages"))
        {
            keys.Add(key);
        }

        var entries = new List<SortedSetEntry>();
        foreach (var key in keys)
        {
            entries.AddRange((await _redis.GetDatabase().SortedSetRangeByRankWithScoresAsync(key))
                .Where(entry => entry.Element.ToString().EndsWith(":hello once", StringComparison.Ordinal)
                    && IsIn(chat, key)));
        }

        return [.. entries];
    }

    private static bool IsIn(string chat, RedisKey key)
    {
        var tag = System.Buffers.Text.Base64Url.EncodeToString(System.Text.Encoding.UTF8.GetBytes(chat));
        return key.ToString().Contains($"{{{tag}}}", StringComparison.Ordinal);
    }

    private static async Task<long> SendTimeAsync(HttpResponseMessage response)
    {
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
        return body.RootElement.GetProperty("send_time").GetInt64();
    }
}

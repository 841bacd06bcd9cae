extern alias HttpServer;

using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using Grpc.Core;
using Grpc.Net.Client;
using StackExchange.Redis;
using RpcClient = HttpServer::Chat.Rpc;

namespace Chat.Tests.Reliability;

/// <summary>
/// The HTTP server gathers concurrent requests into SendBatch and PullBatch calls, and the RPC server answers each
/// request of a batch on its own: real processes over loopback sockets, with Redis as the witness of what was stored.
/// </summary>
[Collection(ReliabilityCollection.Name)]
public sealed class BatchingTests : IAsyncLifetime
{
    private const int MaxBatchSize = 16;

    private readonly ChatServices _services = new();
    private GrpcChannel _rpcChannel = null!;
    private ConnectionMultiplexer _redis = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private RpcClient.MessageService.MessageServiceClient Client => new(_rpcChannel);

    public async ValueTask InitializeAsync()
    {
        _services.RpcSettings["MessageStore:MaxBatchSize"] = MaxBatchSize.ToString();
        _services.HttpSettings["ChatApi:RpcMaxBatchSize"] = MaxBatchSize.ToString();
        await _services.StartAsync();
        _rpcChannel = GrpcChannel.ForAddress(_services.RpcAddress);
        _redis = await _services.Redis.ConnectAsync();
    }

    public async ValueTask DisposeAsync()
    {
        _redis?.Dispose();
        _rpcChannel?.Dispose();
        await _services.DisposeAsync();
    }

    [Fact]
    public async Task Concurrent_sends_share_scripts_and_each_is_stored_once_with_the_send_time_it_was_answered()
    {
        const int Sends = 400;
        var chats = Enumerable.Range(0, 20).Select(i => $"amy:b{i}-{Guid.NewGuid():N}"[..24]).ToArray();
        var scriptRunsBefore = await ScriptRuns.CountAsync(_redis);

        var answers = await Task.WhenAll(Enumerable.Range(0, Sends).Select(async i =>
        {
            var chat = chats[i % chats.Length];
            using var response = await _services.Http.PostAsJsonAsync(
                "/api/send", new { chat, sender = "amy", text = $"message {i}" }, Cancellation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
            return (Chat: chat, Text: $"message {i}", SendTime: body.RootElement.GetProperty("send_time").GetInt64());
        }));

        // Fewer script runs than sends: some calls carried more than one send.
        Assert.InRange(await ScriptRuns.CountAsync(_redis) - scriptRunsBefore, 1, Sends - 1);

        foreach (var chat in chats)
        {
            var stored = await PullAllAsync(chat);
            var answered = answers.Where(answer => answer.Chat == chat)
                .Select(answer => (answer.SendTime, answer.Text)).OrderBy(pair => pair.SendTime).ToArray();
            Assert.Equal(answered, stored);
        }
    }

    [Fact]
    public async Task A_send_refused_in_a_batch_gets_its_own_refusal_naming_the_field_and_the_others_are_stored()
    {
        var chat = $"amy:bo-{Guid.NewGuid():N}"[..24];
        var request = new RpcClient.SendBatchRequest();
        request.Sends.Add(Send(chat, "amy", "first", "key-1"));
        request.Sends.Add(Send(chat, "zed", "from a stranger", "key-2"));
        request.Sends.Add(Send(chat, "amy", "", "key-3"));
        request.Sends.Add(Send(chat, "amy", "second", "key-4"));

        var reply = await Client.SendBatchAsync(request, cancellationToken: Cancellation);

        Assert.Equal(4, reply.Results.Count);
        Assert.Equal("first", reply.Results[0].Reply.Message.Text);
        Assert.Equal(("sender", (int)StatusCode.InvalidArgument),
            (reply.Results[1].Refusal.Field, reply.Results[1].Refusal.StatusCode));
        Assert.Contains("sender", reply.Results[1].Refusal.Detail, StringComparison.Ordinal);
        Assert.Equal("text", reply.Results[2].Refusal.Field);
        Assert.Equal("second", reply.Results[3].Reply.Message.Text);
        Assert.True(reply.Results[0].Reply.Message.SendTime < reply.Results[3].Reply.Message.SendTime);
        Assert.Equal(new[] { "first", "second" }, (await PullAllAsync(chat)).Select(message => message.Text));
    }

    [Fact]
    public async Task A_retried_batch_replays_every_send_and_stores_nothing_twice()
    {
        var chat = $"amy:bo-{Guid.NewGuid():N}"[..24];
        var request = new RpcClient.SendBatchRequest();
        request.Sends.Add(Send(chat, "amy", "one", "key-1"));
        request.Sends.Add(Send(chat, "amy", "two", "key-2"));
        request.Sends.Add(Send(chat, "amy", "one again", "key-1"));

        var first = await Client.SendBatchAsync(request, cancellationToken: Cancellation);
        var retry = await Client.SendBatchAsync(request, cancellationToken: Cancellation);

        Assert.Equal(new[] { false, false, true }, first.Results.Select(result => result.Reply.Replayed));
        Assert.Equal(first.Results[0].Reply.Message, first.Results[2].Reply.Message);
        Assert.All(retry.Results, result => Assert.True(result.Reply.Replayed));
        Assert.Equal(first.Results.Select(result => result.Reply.Message),
            retry.Results.Select(result => result.Reply.Message));
        Assert.Equal(new[] { "one", "two" }, (await PullAllAsync(chat)).Select(message => message.Text));
    }

    [Fact]
    public async Task A_pull_refused_in_a_batch_gets_its_own_refusal_and_the_others_their_pages()
    {
        var chat = $"amy:bo-{Guid.NewGuid():N}"[..24];
        var sends = new RpcClient.SendBatchRequest();
        sends.Sends.Add(Enumerable.Range(0, 3).Select(i => Send(chat, "amy", $"m{i}", $"key-{i}")));
        await Client.SendBatchAsync(sends, cancellationToken: Cancellation);

        var request = new RpcClient.PullBatchRequest();
        request.Pulls.Add(new RpcClient.PullRequest { Chat = chat, Limit = 2 });
        request.Pulls.Add(new RpcClient.PullRequest { Chat = chat, Limit = -1 });
        request.Pulls.Add(new RpcClient.PullRequest { Chat = "no-separator" });
        request.Pulls.Add(new RpcClient.PullRequest { Chat = chat, Limit = 2, Reverse = true });

        var reply = await Client.PullBatchAsync(request, cancellationToken: Cancellation);

        Assert.Equal(new[] { "m0", "m1" }, reply.Results[0].Reply.Messages.Select(message => message.Text));
        Assert.True(reply.Results[0].Reply.HasMore);
        Assert.Equal("limit", reply.Results[1].Refusal.Field);
        Assert.Equal("chat", reply.Results[2].Refusal.Field);
        Assert.Equal(new[] { "m2", "m1" }, reply.Results[3].Reply.Messages.Select(message => message.Text));
    }

    [Fact]
    public async Task A_batch_over_the_limit_is_refused_whole_naming_the_list_and_stores_nothing()
    {
        var chat = $"amy:bo-{Guid.NewGuid():N}"[..24];
        var request = new RpcClient.SendBatchRequest();
        request.Sends.Add(Enumerable.Range(0, MaxBatchSize + 1).Select(i => Send(chat, "amy", $"m{i}", $"key-{i}")));

        var refused = await Assert.ThrowsAsync<RpcException>(
            () => Client.SendBatchAsync(request, cancellationToken: Cancellation).ResponseAsync);

        Assert.Equal(StatusCode.InvalidArgument, refused.StatusCode);
        Assert.Equal("sends", refused.Trailers.GetValue("chat-field"));
        Assert.Empty(await PullAllAsync(chat));
    }

    private static RpcClient.SendRequest Send(string chat, string sender, string text, string key) => new()
    {
        Chat = chat, Sender = sender, Text = text, IdempotencyKey = key, ClientSuppliedKey = true,
    };

    /// <summary>Every stored message of the conversation, oldest first, read through the HTTP API.</summary>
    private async Task<(long SendTime, string Text)[]> PullAllAsync(string chat)
    {
        using var response = await _services.Http.GetAsync(
            $"/api/pull?chat={Uri.EscapeDataString(chat)}&limit=100", Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation));
        Assert.False(body.RootElement.GetProperty("has_more").GetBoolean());
        return body.RootElement.GetProperty("messages").EnumerateArray()
            .Select(message => (message.GetProperty("send_time").GetInt64(), message.GetProperty("text").GetString()!))
            .ToArray();
    }
}

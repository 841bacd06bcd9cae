using Chat.RpcServer.Storage;
using StackExchange.Redis;

namespace Chat.Tests.Store;

[Collection(StoreCollection.Name)]
public sealed class IdempotencyTests(StoreServers servers)
{
    private static readonly TimeSpan TtlSlack = TimeSpan.FromMinutes(1);

    [Theory]
    [InlineData(StoreServerKind.Redis)]
    [InlineData(StoreServerKind.Garnet)]
    public async Task A_retry_with_the_same_key_returns_the_first_message_and_stores_nothing_new(StoreServerKind kind)
    {
        var server = await servers.GetAsync(kind);
        var store = servers.CreateStore(server);
        var conversation = TestConversations.New();

        var first = await store.SendAsync(conversation, 0, "hello", "retry-key", clientSuppliedKey: true);
        var retry = await store.SendAsync(conversation, 1, "hello again", "retry-key", clientSuppliedKey: true);

        Assert.False(first.Replayed);
        Assert.True(retry.Replayed);
        Assert.Equal(first.Message, retry.Message);
        var stored = await store.PullAsync(conversation, 0, 10, reverse: false);
        Assert.Equal([first.Message], stored.Messages);
        var messagesKey = new ConversationKeys(conversation).Messages;
        Assert.Equal(1, await server.Redis.GetDatabase().SortedSetLengthAsync(messagesKey));
    }

    /// <summary>
    /// A server that replayed only part of its log after a crash can hold a key whose message it lost. The retry
    /// with that key stores the message and points the key at it, so that the next retry replays it.
    /// </summary>
    [Theory]
    [InlineData(StoreServerKind.Redis)]
    [InlineData(StoreServerKind.Garnet)]
    public async Task A_key_whose_message_was_lost_is_filled_by_the_retry_and_then_replays_it(StoreServerKind kind)
    {
        var server = await servers.GetAsync(kind);
        var store = servers.CreateStore(server);
        var conversation = TestConversations.New();
        var sentKey = new ConversationKeys(conversation).SentWithKey("lost-key");
        await server.Redis.GetDatabase().StringSetAsync(sentKey, "1000", TimeSpan.FromMinutes(10));

        var retry = await store.SendAsync(conversation, 0, "stored at last", "lost-key", clientSuppliedKey: true);
        var again = await store.SendAsync(conversation, 0, "stored at last", "lost-key", clientSuppliedKey: true);

        Assert.False(retry.Replayed);
        Assert.True(again.Replayed);
        Assert.Equal(retry.Message, again.Message);
        Assert.Equal(retry.Message.SendTime.ToString(), await server.Redis.GetDatabase().StringGetAsync(sentKey));
        Assert.Equal([retry.Message], (await store.PullAsync(conversation, 0, 10, reverse: false)).Messages);
    }

    [Theory]
    [InlineData(StoreServerKind.Redis)]
    [InlineData(StoreServerKind.Garnet)]
    public async Task Concurrent_retries_with_one_key_store_one_message(StoreServerKind kind)
    {
        var store = servers.CreateStore(await servers.GetAsync(kind));
        var conversation = TestConversations.New();

        var outcomes = await Task.WhenAll(Enumerable.Range(0, 50).Select(_ =>
            store.SendAsync(conversation, 0, "once", "one-key", clientSuppliedKey: true)));

        Assert.Single(outcomes, outcome => !outcome.Replayed);
        Assert.Single(outcomes.Select(outcome => outcome.Message).Distinct());
        var stored = await store.PullAsync(conversation, 0, 100, reverse: false);
        Assert.Equal([outcomes[0].Message], stored.Messages);
    }

    [Theory]
    [InlineData(StoreServerKind.Redis)]
    [InlineData(StoreServerKind.Garnet)]
    public async Task The_same_key_in_another_conversation_is_independent(StoreServerKind kind)
    {
        var store = servers.CreateStore(await servers.GetAsync(kind));
        var one = TestConversations.New();
        var other = TestConversations.New();

        var inOne = await store.SendAsync(one, 0, "to one", "shared-key", clientSuppliedKey: true);
        var inOther = await store.SendAsync(other, 0, "to the other", "shared-key", clientSuppliedKey: true);

        Assert.False(inOne.Replayed);
        Assert.False(inOther.Replayed);
        Assert.Equal([inOne.Message], (await store.PullAsync(one, 0, 10, reverse: false)).Messages);
        Assert.Equal([inOther.Message], (await store.PullAsync(other, 0, 10, reverse: false)).Messages);
    }

    [Theory]
    [InlineData(StoreServerKind.Redis)]
    [InlineData(StoreServerKind.Garnet)]
    public async Task A_client_key_is_kept_at_least_ten_minutes_and_a_request_key_for_the_request_retention(
        StoreServerKind kind)
    {
        var server = await servers.GetAsync(kind);
        var defaults = new StoreOptions();
        var store = servers.CreateStore(server, defaults);
        var conversation = TestConversations.New();
        var keys = new ConversationKeys(conversation);

        await store.SendAsync(conversation, 0, "from a client", "client-key", clientSuppliedKey: true);
        await store.SendAsync(conversation, 0, "from the HTTP server", "request-key", clientSuppliedKey: false);
        var clientTtl = await server.Redis.GetDatabase().KeyTimeToLiveAsync(keys.SentWithKey("client-key"));
        var requestTtl = await server.Redis.GetDatabase().KeyTimeToLiveAsync(keys.SentWithKey("request-key"));

        Assert.InRange(clientTtl!.Value, defaults.ClientKeyRetention - TtlSlack, defaults.ClientKeyRetention);
        Assert.True(clientTtl >= TimeSpan.FromMinutes(10), $"A client key lives {clientTtl}, under 10 minutes.");
        Assert.InRange(requestTtl!.Value, defaults.RequestKeyRetention - TtlSlack, defaults.RequestKeyRetention);
    }

    [Theory]
    [InlineData(StoreServerKind.Redis)]
    [InlineData(StoreServerKind.Garnet)]
    public async Task Key_retention_follows_the_settings_rounded_up_to_whole_seconds(StoreServerKind kind)
    {
        var server = await servers.GetAsync(kind);
        var options = new StoreOptions
        {
            ClientKeyRetention = TimeSpan.FromHours(2),
            RequestKeyRetention = TimeSpan.FromSeconds(90.25),
        };
        var store = servers.CreateStore(server, options);
        var conversation = TestConversations.New();
        var keys = new ConversationKeys(conversation);

        await store.SendAsync(conversation, 0, "from a client", "client-key", clientSuppliedKey: true);
        await store.SendAsync(conversation, 0, "from the HTTP server", "request-key", clientSuppliedKey: false);
        var clientTtl = await server.Redis.GetDatabase().KeyTimeToLiveAsync(keys.SentWithKey("client-key"));
        var requestTtl = await server.Redis.GetDatabase().KeyTimeToLiveAsync(keys.SentWithKey("request-key"));

        Assert.InRange(clientTtl!.Value, TimeSpan.FromHours(2) - TtlSlack, TimeSpan.FromHours(2));
        Assert.InRange(requestTtl!.Value, TimeSpan.FromSeconds(91) - TtlSlack, TimeSpan.FromSeconds(91));
    }

    [Theory]
    [InlineData(StoreServerKind.Redis)]
    [InlineData(StoreServerKind.Garnet)]
    public async Task An_idempotency_key_cannot_reach_another_key_of_the_conversation(StoreServerKind kind)
    {
        var server = await servers.GetAsync(kind);
        var store = servers.CreateStore(server);
        var conversation = TestConversations.New();
        string[] keys = ["messages", ":messages", "}:messages", "{x}", "*", "sent:", "../messages", " "];

        foreach (var key in keys)
        {
            await store.SendAsync(conversation, 0, $"with key {key}", key, clientSuppliedKey: true);
        }

        var retries = await Task.WhenAll(keys.Select(key =>
            store.SendAsync(conversation, 1, "retried", key, clientSuppliedKey: true)));
        Assert.All(retries, retry => Assert.True(retry.Replayed));
        var stored = await store.PullAsync(conversation, 0, 100, reverse: false);
        Assert.Equal(keys.Select(key => $"with key {key}"), stored.Messages.Select(message => message.Text));
        Assert.Equal(
            RedisType.SortedSet,
            await server.Redis.GetDatabase().KeyTypeAsync(new ConversationKeys(conversation).Messages));
    }
}

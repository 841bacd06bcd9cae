using Chat.RpcServer.Storage;
using StackExchange.Redis;

namespace Chat.Tests.Store;

/// <summary>
/// The store on a one-node Redis Cluster: a script whose keys hash to different slots is refused there, so sends,
/// retries and pulls that work prove every key of a conversation shares one slot; CLUSTER KEYSLOT confirms it.
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class ClusterReadinessTests(StoreServers servers)
{
    [Theory]
    [InlineData(StoreServerKind.Redis)]
    [InlineData(StoreServerKind.Garnet)]
    public async Task Every_key_of_a_conversation_hashes_to_one_slot(StoreServerKind kind)
    {
        var server = await servers.GetAsync(kind, cluster: true);
        var store = servers.CreateStore(server);
        var token = TestConversations.Token();
        string[] idempotencyKeys = ["plain", "{other}", "}{", "a{b}c", "*"];

        foreach (var chat in new[] { "alice:bob", "{a}:b", "a{b}:c", "}{:*", "日本:😀", "{:}" })
        {
            var conversation = TestConversations.Mark(chat, token);
            var keys = new ConversationKeys(conversation);
            foreach (var key in idempotencyKeys)
            {
                await store.SendAsync(conversation, 0, "sent", key, clientSuppliedKey: key != "plain");
                var retry = await store.SendAsync(conversation, 1, "retried", key, clientSuppliedKey: true);
                Assert.True(retry.Replayed);
            }

            var page = await store.PullAsync(conversation, 0, 10, reverse: true);
            Assert.Equal(idempotencyKeys.Length, page.Messages.Count);

            RedisKey[] written = [keys.Messages, .. idempotencyKeys.Select(keys.SentWithKey)];
            var slots = new HashSet<long>();
            foreach (var key in written)
            {
                Assert.True(await server.Redis.GetDatabase().KeyExistsAsync(key), $"{key} was not written.");
                slots.Add((long)await server.Server.ExecuteAsync("CLUSTER", "KEYSLOT", key));
            }

            Assert.Single(slots);
        }
    }

    [Theory]
    [InlineData(StoreServerKind.Redis)]
    [InlineData(StoreServerKind.Garnet)]
    public async Task Conversations_spread_over_many_slots(StoreServerKind kind)
    {
        var server = await servers.GetAsync(kind, cluster: true);

        var slots = new HashSet<long>();
        for (var i = 0; i < 100; i++)
        {
            var keys = new ConversationKeys(TestConversations.New());
            slots.Add((long)await server.Server.ExecuteAsync("CLUSTER", "KEYSLOT", keys.Messages));
        }

        // 100 random names landing on fewer than 90 of 16,384 slots would mean the tag does not follow the name.
        Assert.True(slots.Count >= 90, $"100 conversations hashed to only {slots.Count} slots.");
    }
}

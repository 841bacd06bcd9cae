using Chat.RpcServer.Storage;

namespace Chat.Tests.Store;

[Collection(StoreCollection.Name)]
public sealed class SendTimeTests(StoreServers servers)
{
    [Theory]
    [InlineData(StoreServerKind.Redis)]
    [InlineData(StoreServerKind.Garnet)]
    public async Task Send_time_is_the_servers_clock_in_microseconds_since_the_epoch(StoreServerKind kind)
    {
        var server = await servers.GetAsync(kind);
        var store = servers.CreateStore(server);
        var conversation = TestConversations.New();

        var before = await server.Server.TimeAsync();
        var outcome = await store.SendAsync(conversation, 0, "hello", "key", clientSuppliedKey: false);
        var after = await server.Server.TimeAsync();

        Assert.InRange(outcome.Message.SendTime, Microseconds(before), Microseconds(after));
    }

    [Theory]
    [InlineData(StoreServerKind.Redis)]
    [InlineData(StoreServerKind.Garnet)]
    public async Task A_send_acknowledged_before_another_starts_has_the_smaller_send_time_across_connections(
        StoreServerKind kind)
    {
        var server = await servers.GetAsync(kind);
        await using var secondConnection = await server.ConnectAsync();
        MessageStore[] replicas = [servers.CreateStore(server), servers.CreateStore(secondConnection)];
        var conversation = TestConversations.New();

        var sendTimes = new List<long>();
        for (var i = 0; i < 200; i++)
        {
            var outcome = await replicas[i % 2].SendAsync(conversation, i % 2, $"message {i}", $"key-{i}", false);
            sendTimes.Add(outcome.Message.SendTime);
        }

        Assert.Equal(sendTimes.Order(), sendTimes);
        Assert.Equal(sendTimes.Count, sendTimes.Distinct().Count());
        var stored = await PageFollower.FollowAsync(replicas[0], conversation, 0, 100, reverse: false);
        Assert.Equal(sendTimes, stored.Select(message => message.SendTime));
    }

    [Theory]
    [InlineData(StoreServerKind.Redis)]
    [InlineData(StoreServerKind.Garnet)]
    public async Task A_send_after_a_message_newer_than_the_clock_gets_the_next_microsecond(StoreServerKind kind)
    {
        var server = await servers.GetAsync(kind);
        var store = servers.CreateStore(server);
        var conversation = TestConversations.New();

        // As if the server's clock had stepped back an hour since the newest message was stored.
        var newest = Microseconds(await server.Server.TimeAsync()) + 3_600_000_000L;
        await server.Redis.GetDatabase().SortedSetAddAsync(
            new ConversationKeys(conversation).Messages, $"{newest}:0:from before the step", newest);
        var first = await store.SendAsync(conversation, 1, "after the step", "first", clientSuppliedKey: false);
        var second = await store.SendAsync(conversation, 0, "and again", "second", clientSuppliedKey: false);

        Assert.Equal(newest + 1, first.Message.SendTime);
        Assert.Equal(newest + 2, second.Message.SendTime);
        var stored = await store.PullAsync(conversation, 0, 10, reverse: false);
        Assert.Equal(
            ["from before the step", "after the step", "and again"], stored.Messages.Select(message => message.Text));
    }

    [Theory]
    [InlineData(StoreServerKind.Redis)]
    [InlineData(StoreServerKind.Garnet)]
    public async Task The_same_text_sent_twice_is_stored_twice(StoreServerKind kind)
    {
        var store = servers.CreateStore(await servers.GetAsync(kind));
        var conversation = TestConversations.New();

        var first = await store.SendAsync(conversation, 0, "same", "one", clientSuppliedKey: true);
        var second = await store.SendAsync(conversation, 0, "same", "two", clientSuppliedKey: true);

        Assert.True(second.Message.SendTime > first.Message.SendTime);
        var stored = await store.PullAsync(conversation, 0, 10, reverse: false);
        Assert.Equal([first.Message, second.Message], stored.Messages);
    }

    private static long Microseconds(DateTime time) =>
        (time - DateTime.UnixEpoch).Ticks / TimeSpan.TicksPerMicrosecond;
}

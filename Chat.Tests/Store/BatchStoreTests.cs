using Chat.RpcServer.Storage;

namespace Chat.Tests.Store;

/// <summary>
/// Many sends in one script and many pulls at once, on a single server and on a one-node cluster (where a script
/// must keep to one hash slot, so the store splits the sends by conversation).
/// </summary>
[Collection(StoreCollection.Name)]
public sealed class BatchStoreTests(StoreServers servers)
{
    [Theory]
    [InlineData(StoreServerKind.Redis, false)]
    [InlineData(StoreServerKind.Redis, true)]
    [InlineData(StoreServerKind.Garnet, false)]
    [InlineData(StoreServerKind.Garnet, true)]
    public async Task Sends_of_one_call_are_stored_in_order_and_answered_at_their_index(
        StoreServerKind kind, bool cluster)
    {
        var store = servers.CreateStore(await servers.GetAsync(kind, cluster));
        var conversations = Enumerable.Range(0, 5).Select(_ => TestConversations.New()).ToArray();
        var sends = Enumerable.Range(0, 40)
            .Select(i => new SendItem(conversations[i % 5], i % 2, $"message {i}", $"key-{i}", ClientSuppliedKey: true))
            .ToArray();

        var outcomes = await store.SendManyAsync(sends);

        Assert.Equal(sends.Length, outcomes.Length);
        for (var i = 0; i < sends.Length; i++)
        {
            Assert.False(outcomes[i].Replayed);
            Assert.Equal(sends[i].Text, outcomes[i].Message.Text);
            Assert.Equal(sends[i].Conversation.ToString(), outcomes[i].Message.Chat);
        }

        foreach (var conversation in conversations)
        {
            var answered = outcomes.Where(outcome => outcome.Message.Chat == conversation.ToString())
                .Select(outcome => outcome.Message).ToArray();
            var stored = await store.PullAsync(conversation, 0, 100, reverse: false);
            Assert.Equal(answered, stored.Messages);
            Assert.True(answered.Zip(answered.Skip(1)).All(pair => pair.First.SendTime < pair.Second.SendTime));
        }
    }

    [Theory]
    [InlineData(StoreServerKind.Redis)]
    [InlineData(StoreServerKind.Garnet)]
    public async Task A_key_repeated_within_one_call_stores_the_first_send_and_replays_it(StoreServerKind kind)
    {
        var store = servers.CreateStore(await servers.GetAsync(kind));
        var conversation = TestConversations.New();
        SendItem[] sends =
        [
            new(conversation, 0, "first", "twice", ClientSuppliedKey: true),
            new(conversation, 1, "other", "once", ClientSuppliedKey: true),
            new(conversation, 1, "first again", "twice", ClientSuppliedKey: true),
        ];

        var outcomes = await store.SendManyAsync(sends);

        Assert.Equal(new[] { false, false, true }, outcomes.Select(outcome => outcome.Replayed));
        Assert.Equal(outcomes[0].Message, outcomes[2].Message);
        var stored = await store.PullAsync(conversation, 0, 100, reverse: false);
        Assert.Equal(new[] { outcomes[0].Message, outcomes[1].Message }, stored.Messages);
    }

    [Theory]
    [InlineData(StoreServerKind.Redis, false)]
    [InlineData(StoreServerKind.Redis, true)]
    [InlineData(StoreServerKind.Garnet, false)]
    [InlineData(StoreServerKind.Garnet, true)]
    public async Task Pulls_at_once_read_the_pages_that_each_pull_alone_reads(StoreServerKind kind, bool cluster)
    {
        var store = servers.CreateStore(await servers.GetAsync(kind, cluster));
        var one = TestConversations.New();
        var other = TestConversations.New();
        await store.SendManyAsync(Enumerable.Range(0, 12)
            .Select(i => new SendItem(i < 7 ? one : other, 0, $"m{i}", $"key-{i}", ClientSuppliedKey: false))
            .ToArray());
        PullItem[] pulls =
        [
            new(one, 0, 3, Reverse: false),
            new(other, 0, 10, Reverse: true),
            new(TestConversations.New(), 0, 10, Reverse: false),
            new(one, 0, 10, Reverse: true),
        ];

        var pages = await store.PullManyAsync(pulls);

        Assert.Equal(pulls.Length, pages.Length);
        for (var i = 0; i < pulls.Length; i++)
        {
            var alone = await store.PullAsync(pulls[i].Conversation, pulls[i].Cursor, pulls[i].Limit, pulls[i].Reverse);
            Assert.Equal(alone.Messages, pages[i].Messages);
            Assert.Equal((alone.HasMore, alone.NextCursor), (pages[i].HasMore, pages[i].NextCursor));
        }

        Assert.Equal(3, pages[0].Messages.Count);
        Assert.True(pages[0].HasMore);
        Assert.Empty(pages[2].Messages);
        Assert.Equal(7, pages[3].Messages.Count);
    }
}

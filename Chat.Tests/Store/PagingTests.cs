using Chat.Contract;
using Chat.RpcServer.Storage;

namespace Chat.Tests.Store;

[Collection(StoreCollection.Name)]
public sealed class PagingTests(StoreServers servers)
{
    private const int ConcurrentSends = 2_000;

    [Theory]
    [InlineData(StoreServerKind.Redis)]
    [InlineData(StoreServerKind.Garnet)]
    public async Task Paging_after_2000_concurrent_sends_visits_every_message_once_in_both_directions(
        StoreServerKind kind)
    {
        var store = servers.CreateStore(await servers.GetAsync(kind));
        var conversation = TestConversations.New();

        var acknowledged = await Task.WhenAll(Enumerable.Range(0, ConcurrentSends).Select(i =>
            store.SendAsync(conversation, i % 2, $"message {i}", $"key-{i}", clientSuppliedKey: false)));

        Assert.All(acknowledged, outcome => Assert.False(outcome.Replayed));
        var oldestFirst = acknowledged.Select(outcome => outcome.Message).OrderBy(message => message.SendTime)
            .ToList();
        Assert.Equal(ConcurrentSends, oldestFirst.DistinctBy(message => message.SendTime).Count());
        var newestFirst = Enumerable.Reverse(oldestFirst).ToList();
        foreach (var limit in new[] { 1, 7, 10, 100, ConcurrentSends - 1, ConcurrentSends, ConcurrentSends + 1 })
        {
            Assert.Equal(oldestFirst, await PageFollower.FollowAsync(store, conversation, 0, limit, reverse: false));
            Assert.Equal(newestFirst, await PageFollower.FollowAsync(store, conversation, 0, limit, reverse: true));
        }

        var middle = 1_234;
        var fromMiddle = oldestFirst[middle].SendTime;
        Assert.Equal(
            oldestFirst[middle..],
            await PageFollower.FollowAsync(store, conversation, fromMiddle, 33, reverse: false));
        Assert.Equal(
            newestFirst[(ConcurrentSends - 1 - middle)..],
            await PageFollower.FollowAsync(store, conversation, fromMiddle, 33, reverse: true));
    }

    [Theory]
    [InlineData(StoreServerKind.Redis)]
    [InlineData(StoreServerKind.Garnet)]
    public async Task Sends_while_paging_neither_repeat_nor_skip_a_message(StoreServerKind kind)
    {
        var store = servers.CreateStore(await servers.GetAsync(kind));
        var conversation = TestConversations.New();
        var before = await SendAsync(store, conversation, 25);

        // Forward, messages sent meanwhile are newer than every page so far: they are reached at the end, each once.
        var forward = new List<Message>();
        var backward = new List<Message>();
        long forwardCursor = 0, backwardCursor = 0;
        bool forwardMore = true, backwardMore = true;
        while (forwardMore || backwardMore)
        {
            if (forwardMore)
            {
                var page = await store.PullAsync(conversation, forwardCursor, 4, reverse: false);
                forward.AddRange(page.Messages);
                (forwardMore, forwardCursor) = (page.HasMore, page.NextCursor);
            }

            if (backwardMore)
            {
                var page = await store.PullAsync(conversation, backwardCursor, 4, reverse: true);
                backward.AddRange(page.Messages);
                (backwardMore, backwardCursor) = (page.HasMore, page.NextCursor);
            }

            if (forward.Count < 40)
            {
                await SendAsync(store, conversation, 3);
            }
        }

        var everything = await PageFollower.FollowAsync(store, conversation, 0, 100, reverse: false);
        Assert.Equal(everything, forward);

        // Backward from the newest at the start: messages sent meanwhile are newer, so they are not on that walk.
        Assert.Equal(Enumerable.Reverse(before), backward);
    }

    [Theory]
    [InlineData(StoreServerKind.Redis)]
    [InlineData(StoreServerKind.Garnet)]
    public async Task Pull_forward_from_cursor_zero_starts_from_the_oldest(StoreServerKind kind)
    {
        var store = servers.CreateStore(await servers.GetAsync(kind));
        var conversation = TestConversations.New();
        var sent = await SendAsync(store, conversation, 5);

        var page = await store.PullAsync(conversation, 0, 2, reverse: false);

        Assert.Equal(sent[..2], page.Messages);
        Assert.True(page.HasMore);
        Assert.Equal(sent[2].SendTime, page.NextCursor);
    }

    [Theory]
    [InlineData(StoreServerKind.Redis)]
    [InlineData(StoreServerKind.Garnet)]
    public async Task Pull_in_reverse_from_cursor_zero_starts_from_the_newest(StoreServerKind kind)
    {
        var store = servers.CreateStore(await servers.GetAsync(kind));
        var conversation = TestConversations.New();
        var sent = await SendAsync(store, conversation, 5);

        var page = await store.PullAsync(conversation, 0, 2, reverse: true);

        Assert.Equal([sent[4], sent[3]], page.Messages);
        Assert.True(page.HasMore);
        Assert.Equal(sent[2].SendTime, page.NextCursor);
    }

    [Theory]
    [InlineData(StoreServerKind.Redis)]
    [InlineData(StoreServerKind.Garnet)]
    public async Task Pull_forward_from_a_cursor_includes_it(StoreServerKind kind)
    {
        var store = servers.CreateStore(await servers.GetAsync(kind));
        var conversation = TestConversations.New();
        var sent = await SendAsync(store, conversation, 5);

        var page = await store.PullAsync(conversation, sent[2].SendTime, 2, reverse: false);

        Assert.Equal(sent[2..4], page.Messages);
        Assert.True(page.HasMore);
        Assert.Equal(sent[4].SendTime, page.NextCursor);
    }

    [Theory]
    [InlineData(StoreServerKind.Redis)]
    [InlineData(StoreServerKind.Garnet)]
    public async Task Pull_in_reverse_from_a_cursor_includes_it(StoreServerKind kind)
    {
        var store = servers.CreateStore(await servers.GetAsync(kind));
        var conversation = TestConversations.New();
        var sent = await SendAsync(store, conversation, 5);

        var page = await store.PullAsync(conversation, sent[2].SendTime, 2, reverse: true);

        Assert.Equal([sent[2], sent[1]], page.Messages);
        Assert.True(page.HasMore);
        Assert.Equal(sent[0].SendTime, page.NextCursor);
    }

    [Theory]
    [InlineData(StoreServerKind.Redis)]
    [InlineData(StoreServerKind.Garnet)]
    public async Task A_cursor_between_two_messages_starts_at_the_next_one_in_the_direction_of_the_pull(
        StoreServerKind kind)
    {
        var store = servers.CreateStore(await servers.GetAsync(kind));
        var conversation = TestConversations.New();
        var sent = await SendAsync(store, conversation, 4);

        var forward = await store.PullAsync(conversation, sent[1].SendTime + 1, 10, reverse: false);
        var backward = await store.PullAsync(conversation, sent[2].SendTime - 1, 10, reverse: true);

        Assert.Equal(sent[2..], forward.Messages);
        Assert.Equal([sent[1], sent[0]], backward.Messages);
    }

    [Theory]
    [InlineData(StoreServerKind.Redis)]
    [InlineData(StoreServerKind.Garnet)]
    public async Task A_page_that_ends_with_the_last_message_has_no_more_and_next_cursor_zero(StoreServerKind kind)
    {
        var store = servers.CreateStore(await servers.GetAsync(kind));
        var conversation = TestConversations.New();
        var sent = await SendAsync(store, conversation, 4);

        var forward = await store.PullAsync(conversation, sent[2].SendTime, 2, reverse: false);
        var backward = await store.PullAsync(conversation, sent[1].SendTime, 2, reverse: true);
        var whole = await store.PullAsync(conversation, 0, 4, reverse: false);

        Assert.Equal(sent[2..], forward.Messages);
        Assert.Equal((false, 0L), (forward.HasMore, forward.NextCursor));
        Assert.Equal([sent[1], sent[0]], backward.Messages);
        Assert.Equal((false, 0L), (backward.HasMore, backward.NextCursor));
        Assert.Equal(sent, whole.Messages);
        Assert.Equal((false, 0L), (whole.HasMore, whole.NextCursor));
    }

    [Theory]
    [InlineData(StoreServerKind.Redis)]
    [InlineData(StoreServerKind.Garnet)]
    public async Task Pull_of_a_conversation_without_messages_is_an_empty_page(StoreServerKind kind)
    {
        var store = servers.CreateStore(await servers.GetAsync(kind));
        var conversation = TestConversations.New();

        foreach (var (cursor, reverse) in new[] { (0L, false), (0L, true), (123_456L, false), (123_456L, true) })
        {
            var page = await store.PullAsync(conversation, cursor, 10, reverse);

            Assert.Empty(page.Messages);
            Assert.False(page.HasMore);
            Assert.Equal(0, page.NextCursor);
        }
    }

    [Theory]
    [InlineData(StoreServerKind.Redis)]
    [InlineData(StoreServerKind.Garnet)]
    public async Task A_cursor_beyond_every_message_is_an_empty_page_forward_and_the_newest_in_reverse(
        StoreServerKind kind)
    {
        var store = servers.CreateStore(await servers.GetAsync(kind));
        var conversation = TestConversations.New();
        var sent = await SendAsync(store, conversation, 3);

        var forward = await store.PullAsync(conversation, long.MaxValue, 10, reverse: false);
        var backward = await store.PullAsync(conversation, long.MaxValue, 2, reverse: true);

        Assert.Empty(forward.Messages);
        Assert.Equal((false, 0L), (forward.HasMore, forward.NextCursor));
        Assert.Equal([sent[2], sent[1]], backward.Messages);
        Assert.Equal((true, sent[0].SendTime), (backward.HasMore, backward.NextCursor));
    }

    /// <summary>Sends <paramref name="count"/> messages one after another and returns them oldest first.</summary>
    private static async Task<List<Message>> SendAsync(MessageStore store, ConversationName conversation, int count)
    {
        var sent = new List<Message>();
        for (var i = 0; i < count; i++)
        {
            var outcome = await store.SendAsync(
                conversation, i % 2, $"message {Guid.NewGuid():N}", Guid.NewGuid().ToString("N"), false);
            sent.Add(outcome.Message);
        }

        return sent;
    }
}

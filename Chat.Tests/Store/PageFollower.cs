using Chat.Contract;
using Chat.RpcServer.Storage;

namespace Chat.Tests.Store;

/// <summary>Pulls page after page by following next_cursor, as a client would, checking each page against the
/// contract on the way.</summary>
internal static class PageFollower
{
    /// <summary>Every message from <paramref name="cursor"/> to the end in the direction of the pull.</summary>
    public static async Task<List<Message>> FollowAsync(
        MessageStore store, ConversationName conversation, long cursor, int limit, bool reverse,
        int maxPages = 10_000)
    {
        var visited = new List<Message>();
        long? expectedFirst = null;
        for (var pages = 1; pages <= maxPages; pages++)
        {
            var page = await store.PullAsync(conversation, cursor, limit, reverse);

            Assert.InRange(page.Messages.Count, 0, limit);
            if (expectedFirst is { } first)
            {
                Assert.Equal(first, page.Messages[0].SendTime);
            }

            var order = page.Messages.Select(message => message.SendTime).ToList();
            Assert.Equal(reverse ? order.OrderDescending() : order.Order(), order);
            visited.AddRange(page.Messages);
            if (!page.HasMore)
            {
                Assert.Equal(0, page.NextCursor);
                return visited;
            }

            // A page followed by more is full, and the next one starts beyond it.
            Assert.Equal(limit, page.Messages.Count);
            Assert.True(reverse ? page.NextCursor < order[^1] : page.NextCursor > order[^1],
                $"next_cursor {page.NextCursor} does not lie beyond the page that ends at {order[^1]}.");
            expectedFirst = cursor = page.NextCursor;
        }

        Assert.Fail($"Following next_cursor did not reach the end within {maxPages} pages.");
        return visited;
    }
}

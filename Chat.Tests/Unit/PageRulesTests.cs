using Chat.Contract;

namespace Chat.Tests.Unit;

public sealed class PageRulesTests
{
    [Theory]
    [InlineData(0, 100, 10)]
    [InlineData(0, 5, 5)]
    [InlineData(1, 100, 1)]
    [InlineData(10, 100, 10)]
    [InlineData(100, 100, 100)]
    [InlineData(101, 100, 100)]
    [InlineData(long.MaxValue, 100, 100)]
    [InlineData(500, 1_000, 500)]
    public void A_limit_of_zero_means_the_default_and_a_larger_one_is_clamped(long requested, int max, int expected)
    {
        Assert.Null(PageRules.TryResolveLimit(requested, max, out var limit));

        Assert.Equal(expected, limit);
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(long.MinValue)]
    public void A_negative_limit_is_refused(long requested)
    {
        var error = PageRules.TryResolveLimit(requested, PageRules.DefaultMaxLimit, out _);

        Assert.Equal("limit", error?.Field);
    }

    [Theory]
    [InlineData(0)]
    [InlineData(1)]
    [InlineData(1_764_000_000_000_000)]
    [InlineData(long.MaxValue)]
    public void A_cursor_of_zero_or_more_is_accepted(long cursor)
    {
        Assert.Null(PageRules.CheckCursor(cursor));
    }

    [Theory]
    [InlineData(-1)]
    [InlineData(long.MinValue)]
    public void A_negative_cursor_is_refused(long cursor)
    {
        Assert.Equal("cursor", PageRules.CheckCursor(cursor)?.Field);
    }

    [Theory]
    [InlineData(0, 10, 0, false, 0)]
    [InlineData(3, 10, 3, false, 0)]
    [InlineData(10, 10, 10, false, 0)]
    [InlineData(11, 10, 10, true, 1_010)]
    [InlineData(2, 1, 1, true, 1_001)]
    public void Split_returns_the_page_and_the_send_time_of_the_first_message_not_returned(
        int readBack, int limit, int count, bool hasMore, long nextCursor)
    {
        var sendTimes = Enumerable.Range(0, readBack).Select(i => 1_000L + i).ToList();

        var split = PageRules.Split(sendTimes, limit, sendTime => sendTime);

        Assert.Equal((count, hasMore, nextCursor), split);
    }

    [Fact]
    public void Split_in_reverse_order_points_at_the_next_older_message()
    {
        long[] newestFirst = [50, 40, 30];

        Assert.Equal((2, true, 30L), PageRules.Split(newestFirst, 2, sendTime => sendTime));
    }
}

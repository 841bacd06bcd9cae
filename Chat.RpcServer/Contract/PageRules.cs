namespace Chat.Contract;

/// <summary>The paging arithmetic of a pull: how a requested limit and cursor become a page to read.</summary>
internal static class PageRules
{
    public const int DefaultLimit = 10;
    public const int DefaultMaxLimit = 100;

    /// <summary>0 means the default page size; above <paramref name="maxLimit"/> is clamped; negative is refused.
    /// </summary>
    public static FieldError? TryResolveLimit(long requested, int maxLimit, out int limit)
    {
        limit = 0;
        if (requested < 0)
        {
            return new FieldError("limit", "limit must be 0 or a positive integer.");
        }

        limit = requested == 0 ? Math.Min(DefaultLimit, maxLimit) : (int)Math.Min(requested, maxLimit);
        return null;
    }

    public static FieldError? CheckCursor(long cursor) =>
        cursor < 0 ? new FieldError("cursor", "cursor must be 0 or a send_time (a positive integer).") : null;

    /// <summary>
    /// Splits what a store read back (up to limit + 1 items, in page order) into the page and where the next page
    /// starts: the send_time of the first item not returned, or 0 when there is none.
    /// </summary>
    public static (int Count, bool HasMore, long NextCursor) Split<T>(
        IReadOnlyList<T> readAhead, int limit, Func<T, long> sendTime)
    {
        if (readAhead.Count <= limit)
        {
            return (readAhead.Count, false, 0);
        }

        return (limit, true, sendTime(readAhead[limit]));
    }
}

namespace Chat.Tests.Reliability;

/// <summary>What a run of senders saw, counted per message and per answer.</summary>
internal sealed class SendTally
{
    private int _attempted;
    private int _acknowledged;
    private int _gaveUp;
    private int _unavailable;
    private int _timedOut;
    private int _rateLimited;
    private int _unclear;
    private long _slowestFailureTicks;

    /// <summary>Messages a sender set out to send.</summary>
    public int Attempted => _attempted;

    /// <summary>Messages answered 200 with their stored form, possibly after retries with the same key.</summary>
    public int Acknowledged => _acknowledged;

    /// <summary>Messages still failing with a clear status after every retry.</summary>
    public int GaveUp => _gaveUp;

    /// <summary>Answers 503 with Retry-After and a problem body.</summary>
    public int Unavailable => _unavailable;

    /// <summary>Answers 504 with a problem body.</summary>
    public int TimedOut => _timedOut;

    /// <summary>Answers 429 with Retry-After and a problem body.</summary>
    public int RateLimited => _rateLimited;

    /// <summary>Answers that were none of the above: no answer, a reset connection, a 500, a 503 without
    /// Retry-After. A client cannot act on these correctly, so a run must have none.</summary>
    public int Unclear => _unclear;

    /// <summary>The longest any failed answer took: a request that hangs shows here.</summary>
    public TimeSpan SlowestFailure => TimeSpan.FromTicks(Interlocked.Read(ref _slowestFailureTicks));

    public void Started() => Interlocked.Increment(ref _attempted);

    public void Acknowledge() => Interlocked.Increment(ref _acknowledged);

    public void GiveUp() => Interlocked.Increment(ref _gaveUp);

    public void CountUnavailable() => Interlocked.Increment(ref _unavailable);

    public void CountTimedOut() => Interlocked.Increment(ref _timedOut);

    public void CountRateLimited() => Interlocked.Increment(ref _rateLimited);

    public void CountUnclear() => Interlocked.Increment(ref _unclear);

    public void FailureTook(TimeSpan elapsed)
    {
        var ticks = elapsed.Ticks;
        var seen = Interlocked.Read(ref _slowestFailureTicks);
        while (ticks > seen)
        {
            var previous = Interlocked.CompareExchange(ref _slowestFailureTicks, ticks, seen);
            if (previous == seen)
            {
                return;
            }

            seen = previous;
        }
    }
}

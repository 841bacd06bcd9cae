namespace Chat.Tests.Reliability;

/// <summary>
/// One fault under load: senders run, the fault is done and undone, sending goes on until the system has
/// acknowledged more messages again, then every conversation is read back and the counts are written to the
/// test's output.
/// </summary>
internal static class FaultRun
{
    private const int Conversations = 3;
    private const int AcknowledgedBeforeFault = 30;
    private const int AcknowledgedAfterRecovery = 30;
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(30);

    /// <summary>The HTTP server's deadline (ChatApi:RpcDeadline) and a margin: no failed answer takes longer.</summary>
    public static TimeSpan AnswerBound { get; } = TimeSpan.FromSeconds(5) + TimeSpan.FromSeconds(1);

    public static async Task<(SendLoad Load, StoredAudit Audit)> UnderLoadAsync(
        string scenario, ChatServices services, Func<SendLoad, Task> fault)
    {
        var clock = System.Diagnostics.Stopwatch.StartNew();
        var load = new SendLoad(services.Http, Guid.NewGuid().ToString("N")[..8], Conversations);
        void Mark(string what) => TestContext.Current.TestOutputHelper?.WriteLine(
            $"[{scenario}] {clock.Elapsed.TotalSeconds:0.0}s {what}: {load.Summary}");
        using var stop = new CancellationTokenSource();
        var sending = load.RunAsync(stop.Token);
        try
        {
            Assert.True(
                await ChatServices.EventuallyAsync(
                    () => Task.FromResult(load.Tally.Acknowledged >= AcknowledgedBeforeFault), RecoveryTimeout),
                $"Sends were not acknowledged before the fault: {load.Summary}");
            Mark("warm");
            await fault(load);
            Mark("fault undone");

            var before = load.Tally.Acknowledged;
            var recovered = await ChatServices.EventuallyAsync(
                () => Task.FromResult(load.Tally.Acknowledged >= before + AcknowledgedAfterRecovery), RecoveryTimeout);
            Assert.True(recovered, $"Sends were not acknowledged again after the fault: {load.Summary}");
            Mark("recovered");
        }
        finally
        {
            await stop.CancelAsync();
            await sending;
        }

        var audit = await StoredAudit.CheckAsync(services.Http, load);
        TestContext.Current.TestOutputHelper?.WriteLine($"[{scenario}] {load.Summary} {audit.Summary}");
        foreach (var unclear in load.UnclearAnswers.Take(10))
        {
            TestContext.Current.TestOutputHelper?.WriteLine($"[{scenario}] unclear answer: {unclear}");
        }

        return (load, audit);
    }

    /// <summary>
    /// The promise: every acknowledged send is stored, with the send_time it was acknowledged with, exactly once, in
    /// send_time order; and every failure a client saw had a clear status and came within the deadline.
    /// </summary>
    public static void AssertNothingLostOrDuplicated(SendLoad load, StoredAudit audit)
    {
        Assert.Equal(0, audit.Lost);
        Assert.Equal(0, audit.Duplicated);
        Assert.Equal(0, audit.OutOfOrder);
        Assert.Equal(0, audit.AckedOutOfOrder);
        Assert.True(load.Tally.Unclear == 0, "Unclear answers: " + string.Join(" | ", load.UnclearAnswers.Take(5)));
        Assert.True(load.Tally.SlowestFailure <= AnswerBound, $"A failed answer took {load.Tally.SlowestFailure}.");
        Assert.True(audit.Stored >= load.Tally.Acknowledged, load.Summary + " " + audit.Summary);
    }
}

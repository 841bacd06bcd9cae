using System.Diagnostics;
using System.Threading.Channels;
using Grpc.Core;

namespace Chat.HttpServer.Rpc;

/// <summary>What the RPC server answered for one request of a batch: its reply, or why it refused that request.
/// </summary>
internal readonly record struct BatchOutcome<TReply>(TReply? Reply, RpcException? Refusal);

/// <summary>
/// Gathers the HTTP server's concurrent calls of one kind into batch calls to the RPC server. No call waits for a
/// timer: while fewer than <c>maxBatchesInFlight</c> batches are under way, a call goes out at once, alone if need be,
/// so an idle server adds no latency. When that many are under way, the calls that arrive meanwhile wait for the first
/// to come back and then go out together. So under load the batches grow by themselves, and what one call to the RPC
/// server costs (an HTTP/2 stream and its headers, socket writes and thread wake-ups on both sides, the round trips to
/// Redis) is shared by every request in it.
/// </summary>
/// <remarks>
/// A request waits in the queue at most until its own deadline; one whose client has gone away is dropped before its
/// batch is formed. A batch's deadline is the earliest of its requests', so the RPC server never works for a request
/// past the deadline that request was given. A failed batch call fails each of its requests with the same status.
/// Each batch is traced as a span of its own, linked to the spans of the HTTP requests it carries (the child of the
/// only one when it carries one), so that a trace still leads from a request to the RPC server's work for it.
/// </remarks>
internal sealed class CallBatcher<TRequest, TReply> : IAsyncDisposable
{
    private readonly Channel<PendingCall> _queue =
        Channel.CreateUnbounded<PendingCall>(new UnboundedChannelOptions { SingleReader = true });

    private readonly Func<IReadOnlyList<TRequest>, DateTime, Task<IReadOnlyList<BatchOutcome<TReply>>>> _callBatch;
    private readonly BatchTelemetry _telemetry;
    private readonly string _name;
    private readonly int _maxBatchSize;
    private readonly int _maxBatchesInFlight;
    private readonly SemaphoreSlim _slots;
    private readonly Task _pump;

    /// <param name="name">What the batch calls do, for their spans and metrics ("send", "pull").</param>
    /// <param name="callBatch">Makes one batch call with the given deadline; its outcomes are in request order.</param>
    public CallBatcher(
        string name,
        Func<IReadOnlyList<TRequest>, DateTime, Task<IReadOnlyList<BatchOutcome<TReply>>>> callBatch,
        BatchTelemetry telemetry,
        int maxBatchSize,
        int maxBatchesInFlight)
    {
        _name = name;
        _callBatch = callBatch;
        _telemetry = telemetry;
        _maxBatchSize = maxBatchSize;
        _maxBatchesInFlight = maxBatchesInFlight;
        _slots = new SemaphoreSlim(maxBatchesInFlight, maxBatchesInFlight);

        // The pump outlives the request that first asked for this batcher: it must not carry that request's trace.
        using (ExecutionContext.SuppressFlow())
        {
            _pump = Task.Run(PumpAsync);
        }
    }

    /// <summary>Queues one request for the next batch and completes with its reply, or throws the
    /// <see cref="RpcException"/> that a single call would have thrown.</summary>
    public Task<TReply> CallAsync(TRequest request, DateTime deadline, CancellationToken aborted)
    {
        var pending = new PendingCall(request, deadline, Activity.Current?.Context ?? default, aborted);
        if (!_queue.Writer.TryWrite(pending))
        {
            pending.TrySetException(
                new RpcException(new Status(StatusCode.Unavailable, "The HTTP server is shutting down.")));
        }

        return pending.Task;
    }

    public async ValueTask DisposeAsync()
    {
        _queue.Writer.TryComplete();
        await _pump.ConfigureAwait(false);
    }

    private async Task PumpAsync()
    {
        var queue = _queue.Reader;
        var batch = new List<PendingCall>(_maxBatchSize);
        while (await queue.WaitToReadAsync().ConfigureAwait(false))
        {
            await _slots.WaitAsync().ConfigureAwait(false);

            var now = DateTime.UtcNow;
            while (batch.Count < _maxBatchSize && queue.TryRead(out var pending))
            {
                if (pending.Aborted.IsCancellationRequested)
                {
                    pending.TrySetCanceled(pending.Aborted);
                }
                else if (pending.Deadline <= now)
                {
                    pending.TrySetException(new RpcException(
                        new Status(StatusCode.DeadlineExceeded, "The deadline passed before the call was made.")));
                }
                else
                {
                    batch.Add(pending);
                }
            }

            if (batch.Count == 0)
            {
                _slots.Release();
                continue;
            }

            _ = CallBatchAsync(batch.ToArray());
            batch.Clear();
        }

        // Shut down: every slot back means every batch has ended.
        for (var i = 0; i < _maxBatchesInFlight; i++)
        {
            await _slots.WaitAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Makes one batch call and completes each of its requests; it releases its slot when it ends.</summary>
    private async Task CallBatchAsync(PendingCall[] batch)
    {
        try
        {
            var deadline = batch[0].Deadline;
            var requests = new TRequest[batch.Length];
            for (var i = 0; i < batch.Length; i++)
            {
                requests[i] = batch[i].Request;
                if (batch[i].Deadline < deadline)
                {
                    deadline = batch[i].Deadline;
                }
            }

            using var activity = _telemetry.StartBatch(_name, batch.Length, i => batch[i].Trace);
            var outcomes = await _callBatch(requests, deadline).ConfigureAwait(false);
            if (outcomes.Count != batch.Length)
            {
                throw new RpcException(new Status(StatusCode.Internal,
                    $"The RPC server answered {outcomes.Count} results for a batch of {batch.Length}."));
            }

            for (var i = 0; i < batch.Length; i++)
            {
                if (outcomes[i].Refusal is { } refusal)
                {
                    batch[i].TrySetException(refusal);
                }
                else
                {
                    batch[i].TrySetResult(outcomes[i].Reply!);
                }
            }
        }
        catch (Exception exception)
        {
            // Not swallowed: each request of the batch fails with it, as its own call would have.
            foreach (var pending in batch)
            {
                pending.TrySetException(exception);
            }
        }
        finally
        {
            _slots.Release();
        }
    }

    /// <summary>One queued request. Its continuations run on the thread pool, so that the requests of a batch that
    /// came back are answered in parallel, not one after another on the thread that read the reply.</summary>
    private sealed class PendingCall(
        TRequest request, DateTime deadline, ActivityContext trace, CancellationToken aborted)
        : TaskCompletionSource<TReply>(TaskCreationOptions.RunContinuationsAsynchronously)
    {
        public TRequest Request { get; } = request;

        public DateTime Deadline { get; } = deadline;

        public ActivityContext Trace { get; } = trace;

        public CancellationToken Aborted { get; } = aborted;
    }
}

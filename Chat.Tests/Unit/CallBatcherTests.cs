extern alias HttpServer;

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using Grpc.Core;
using HttpServer::Chat.HttpServer.Rpc;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Tests.Unit;

/// <summary>
/// The HTTP server's batcher on its own, with a batch call that the test holds and releases, so that what arrives
/// while calls are under way is exact. (Real gRPC calls through it are in Reliability/BatchingTests.)
/// </summary>
public sealed class CallBatcherTests : IAsyncLifetime
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(30);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly ConcurrentQueue<(string[] Requests, DateTime Deadline)> _calls = new();
    private TaskCompletionSource _release = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private Exception? _failure;
    private CallBatcher<string, string> _batcher = null!;

    public ValueTask InitializeAsync()
    {
        _batcher = NewBatcher(maxBatchesInFlight: 1);
        return ValueTask.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        _release.TrySetResult();
        await _batcher.DisposeAsync();
        await _services.DisposeAsync();
    }

    [Fact]
    public async Task A_request_to_an_idle_batcher_goes_out_at_once_alone()
    {
        _release.SetResult();

        Assert.Equal("reply to a", await _batcher.CallAsync("a", Soon(), Cancellation));

        Assert.Equal(new[] { "a" }, Assert.Single(_calls).Requests);
    }

    [Fact]
    public async Task Requests_that_arrive_while_every_call_is_under_way_go_out_together_in_the_next()
    {
        var first = _batcher.CallAsync("first", Soon(), Cancellation);
        await WaitForCallsAsync(1);
        var waiting = new[] { "b", "c", "d" }
            .Select(request => _batcher.CallAsync(request, Soon(), Cancellation)).ToArray();

        _release.SetResult();

        Assert.Equal("reply to first", await first);
        Assert.Equal(new[] { "reply to b", "reply to c", "reply to d" }, await Task.WhenAll(waiting));
        Assert.Equal(new[] { new[] { "first" }, new[] { "b", "c", "d" } }, _calls.Select(call => call.Requests));
    }

    [Fact]
    public async Task A_call_carries_the_earliest_deadline_of_its_requests()
    {
        var first = _batcher.CallAsync("first", Soon(), Cancellation);
        await WaitForCallsAsync(1);
        var earliest = DateTime.UtcNow + TimeSpan.FromSeconds(10);
        var waiting = new[]
        {
            _batcher.CallAsync("late", Soon(), Cancellation),
            _batcher.CallAsync("early", earliest, Cancellation),
        };

        _release.SetResult();
        await Task.WhenAll(waiting.Append(first));

        Assert.Equal(earliest, _calls.Last().Deadline);
    }

    [Fact]
    public async Task A_request_whose_deadline_passes_while_it_waits_fails_as_deadline_exceeded_and_is_not_sent()
    {
        var first = _batcher.CallAsync("first", Soon(), Cancellation);
        await WaitForCallsAsync(1);
        var late = _batcher.CallAsync("late", DateTime.UtcNow + TimeSpan.FromMilliseconds(50), Cancellation);
        var onTime = _batcher.CallAsync("on time", Soon(), Cancellation);
        await Task.Delay(200, Cancellation);

        _release.SetResult();

        var refused = await Assert.ThrowsAsync<RpcException>(() => late);
        Assert.Equal(StatusCode.DeadlineExceeded, refused.StatusCode);
        Assert.Equal("reply to on time", await onTime);
        await first;
        Assert.DoesNotContain("late", _calls.SelectMany(call => call.Requests));
    }

    [Fact]
    public async Task A_request_whose_client_went_away_while_it_waits_is_not_sent()
    {
        var first = _batcher.CallAsync("first", Soon(), Cancellation);
        await WaitForCallsAsync(1);
        using var aborted = new CancellationTokenSource();
        var gone = _batcher.CallAsync("gone", Soon(), aborted.Token);
        var staying = _batcher.CallAsync("staying", Soon(), Cancellation);
        aborted.Cancel();

        _release.SetResult();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => gone);
        Assert.Equal("reply to staying", await staying);
        await first;
        Assert.DoesNotContain("gone", _calls.SelectMany(call => call.Requests));
    }

    [Fact]
    public async Task A_failed_call_fails_each_of_its_requests_with_its_status()
    {
        var first = _batcher.CallAsync("first", Soon(), Cancellation);
        await WaitForCallsAsync(1);
        var waiting = new[] { "b", "c" }.Select(request => _batcher.CallAsync(request, Soon(), Cancellation)).ToArray();
        _failure = new RpcException(new Status(StatusCode.Unavailable, "down"));

        _release.SetResult();

        foreach (var request in new[] { first }.Concat(waiting))
        {
            var failed = await Assert.ThrowsAsync<RpcException>(() => request);
            Assert.Equal(StatusCode.Unavailable, failed.StatusCode);
        }
    }

    [Fact]
    public async Task A_refusal_fails_only_its_own_request()
    {
        var first = _batcher.CallAsync("first", Soon(), Cancellation);
        await WaitForCallsAsync(1);
        var refused = _batcher.CallAsync("refuse me", Soon(), Cancellation);
        var accepted = _batcher.CallAsync("b", Soon(), Cancellation);

        _release.SetResult();

        var refusal = await Assert.ThrowsAsync<RpcException>(() => refused);
        Assert.Equal(StatusCode.InvalidArgument, refusal.StatusCode);
        Assert.Equal("reply to b", await accepted);
        await first;
    }

    [Fact]
    public async Task After_shutdown_a_request_fails_as_unavailable()
    {
        _release.SetResult();
        await _batcher.DisposeAsync();

        var refused = await Assert.ThrowsAsync<RpcException>(() => _batcher.CallAsync("late", Soon(), Cancellation));

        Assert.Equal(StatusCode.Unavailable, refused.StatusCode);
    }

    [Fact]
    public async Task A_call_of_one_request_is_traced_as_its_child_and_a_call_of_many_is_linked_to_each()
    {
        var batchSpans = new ConcurrentQueue<Activity>();
        using var listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == BatchTelemetry.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = batchSpans.Enqueue,
        };
        ActivitySource.AddActivityListener(listener);

        var (first, firstSpan) = CallInSpan("first");
        await WaitForCallsAsync(1);
        var (b, bSpan) = CallInSpan("b");
        var (c, cSpan) = CallInSpan("c");
        _release.SetResult();
        await Task.WhenAll(first, b, c);

        ActivityContext[] requestSpans = [firstSpan, bSpan, cSpan];
        var ours = batchSpans.Where(span => span.ParentSpanId == firstSpan.SpanId
            || span.Links.Any(link => requestSpans.Contains(link.Context))).ToArray();
        Assert.Equal(2, ours.Length);
        Assert.Equal(firstSpan.TraceId, ours[0].TraceId);
        Assert.Empty(ours[0].Links);
        Assert.Equal(default, ours[1].ParentSpanId);
        Assert.Equal(new[] { bSpan, cSpan }, ours[1].Links.Select(link => link.Context));
    }

    private static DateTime Soon() => DateTime.UtcNow + Deadline;

    private CallBatcher<string, string> NewBatcher(int maxBatchesInFlight) => new(
        "test",
        CallAsync,
        new BatchTelemetry(_services.GetRequiredService<IMeterFactory>()),
        maxBatchSize: 16,
        maxBatchesInFlight);

    /// <summary>The batch call: recorded, held until the test releases it, then failed or answered.</summary>
    private async Task<IReadOnlyList<BatchOutcome<string>>> CallAsync(IReadOnlyList<string> requests, DateTime deadline)
    {
        _calls.Enqueue(([.. requests], deadline));
        await _release.Task;
        if (_failure is not null)
        {
            throw _failure;
        }

        return requests.Select(request => request == "refuse me"
            ? new BatchOutcome<string>(null, new RpcException(new Status(StatusCode.InvalidArgument, "refused")))
            : new BatchOutcome<string>($"reply to {request}", null)).ToArray();
    }

    /// <summary>A request made inside a span of its own, as an HTTP request's is.</summary>
    private (Task<string> Reply, ActivityContext Span) CallInSpan(string request)
    {
        using var span = new Activity("request");
        span.ActivityTraceFlags = ActivityTraceFlags.Recorded;
        span.Start();
        return (_batcher.CallAsync(request, Soon(), Cancellation), span.Context);
    }

    private async Task WaitForCallsAsync(int count)
    {
        while (_calls.Count < count)
        {
            await Task.Delay(10, Cancellation);
        }
    }
}

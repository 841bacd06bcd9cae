using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace Chat.HttpServer.Rpc;

/// <summary>The spans and the size histogram of the batch calls to the RPC server.</summary>
internal sealed class BatchTelemetry
{
    /// <summary>The name of the HTTP server's own activity source and meter.</summary>
    public const string SourceName = "Chat.HttpServer";

    private static readonly ActivitySource Source = new(SourceName);

    private readonly Histogram<int> _batchSize;

    public BatchTelemetry(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(SourceName);
        _batchSize = meter.CreateHistogram<int>(
            "chat.rpc.batch_size",
            unit: "{request}",
            description: "Requests carried by one batch call to the RPC server.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [1, 2, 4, 8, 16, 32, 64, 128, 256] });
    }

    /// <summary>
    /// Records a batch of <paramref name="size"/> requests and starts its span: the child of the one request's span
    /// when it carries one, else a span of its own linked to each request's. Null when nothing listens.
    /// </summary>
    public Activity? StartBatch(string operation, int size, Func<int, ActivityContext> requestTrace)
    {
        var kind = new KeyValuePair<string, object?>("chat.rpc.operation", operation);
        _batchSize.Record(size, kind);
        if (!Source.HasListeners())
        {
            return null;
        }

        if (size == 1)
        {
            return Source.StartActivity($"{operation} batch", ActivityKind.Internal, requestTrace(0), [kind]);
        }

        var links = new ActivityLink[size];
        for (var i = 0; i < size; i++)
        {
            links[i] = new ActivityLink(requestTrace(i));
        }

        return Source.StartActivity(
            $"{operation} batch",
            ActivityKind.Internal,
            parentContext: default,
            [kind, new("chat.rpc.batch_size", size)],
            links);
    }
}

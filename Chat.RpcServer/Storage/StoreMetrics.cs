using System.Diagnostics.Metrics;

namespace Chat.RpcServer.Storage;

/// <summary>The store's own metrics: messages sent, pull page sizes and how long each Redis step takes.</summary>
public sealed class StoreMetrics
{
    public const string MeterName = "Chat.RpcServer";

    private readonly Counter<long> _messagesSent;
    private readonly Histogram<int> _pageSize;
    private readonly Histogram<double> _storeDuration;

    public StoreMetrics(IMeterFactory meterFactory)
    {
        var meter = meterFactory.Create(MeterName);
        _messagesSent = meter.CreateCounter<long>(
            "chat.messages.sent", unit: "{message}", description: "Messages stored (replayed sends are not counted).");
        _pageSize = meter.CreateHistogram<int>(
            "chat.pull.page_size", unit: "{message}", description: "Messages returned by one pull.",
            advice: new InstrumentAdvice<int> { HistogramBucketBoundaries = [0, 1, 5, 10, 20, 50, 100, 500, 1000] });
        _storeDuration = meter.CreateHistogram<double>(
            "chat.store.duration", unit: "s", description: "Time spent in Redis by one store operation.",
            advice: new InstrumentAdvice<double>
            {
                HistogramBucketBoundaries =
                    [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.5],
            });
    }

    public void MessagesSent(int count) => _messagesSent.Add(count);

    public void RecordPageSize(int size) => _pageSize.Record(size);

    public void RecordStoreDuration(string operation, TimeSpan elapsed) =>
        _storeDuration.Record(
            elapsed.TotalSeconds, new KeyValuePair<string, object?>("chat.store.operation", operation));
}

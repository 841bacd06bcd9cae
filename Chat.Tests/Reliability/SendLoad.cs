using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;

namespace Chat.Tests.Reliability;

/// <summary>
/// Several senders at once, two per conversation (one per member), each sending numbered messages one after another
/// as a careful client does: every message carries its own Idempotency-Key, and a 503, 504 or 429 is retried with
/// the same key after Retry-After. Every answer is classified; what was acknowledged is kept for the audit.
/// </summary>
internal sealed class SendLoad(HttpClient http, string run, int conversations)
{
    private const int MaxAttemptsPerMessage = 12;
    private static readonly TimeSpan PauseBetweenMessages = TimeSpan.FromMilliseconds(10);
    private static readonly TimeSpan PauseAfterUnclear = TimeSpan.FromMilliseconds(250);

    private readonly ConcurrentQueue<string> _unclear = new();

    /// <summary>Each conversation's two members, in canonical order ("{run}-a{i}" before "{run}-b{i}").</summary>
    public IReadOnlyList<(string First, string Second)> Conversations { get; } =
        Enumerable.Range(0, conversations).Select(i => ($"{run}-a{i}", $"{run}-b{i}")).ToArray();

    public SendTally Tally { get; } = new();

    /// <summary>Every acknowledged message: its text ("{member}#{sequence}") and the send_time it was given.</summary>
    public ConcurrentDictionary<string, long> Acknowledged { get; } = new();

    /// <summary>What each unclear answer was, for the test's log.</summary>
    public IEnumerable<string> UnclearAnswers => _unclear;

    public string Summary =>
        $"attempted={Tally.Attempted} acknowledged={Tally.Acknowledged} gave_up={Tally.GaveUp} "
        + $"answers_503={Tally.Unavailable} answers_504={Tally.TimedOut} answers_429={Tally.RateLimited} "
        + $"unclear={Tally.Unclear} slowest_failure_ms={Tally.SlowestFailure.TotalMilliseconds:0}";

    /// <summary>Sends until <paramref name="stop"/> fires; the message in progress is finished, retries too.</summary>
    public Task RunAsync(CancellationToken stop) =>
        Task.WhenAll(Conversations.SelectMany(c => new[]
        {
            SendFromAsync(c, c.First, stop),
            SendFromAsync(c, c.Second, stop),
        }));

    private async Task SendFromAsync((string First, string Second) conversation, string member, CancellationToken stop)
    {
        var chat = $"{conversation.First}:{conversation.Second}";
        for (var sequence = 0; !stop.IsCancellationRequested; sequence++)
        {
            Tally.Started();
            var text = $"{member}#{sequence}";
            var key = $"{member}-{sequence}";
            var acknowledged = false;
            for (var attempt = 0; attempt < MaxAttemptsPerMessage && !acknowledged; attempt++)
            {
                var (sendTime, wait) = await SendOnceAsync(chat, member, text, key);
                if (sendTime is { } stored)
                {
                    acknowledged = true;
                    Acknowledged[text] = stored;
                    Tally.Acknowledge();
                }
                else
                {
                    await Task.Delay(wait);
                }
            }

            if (!acknowledged)
            {
                Tally.GiveUp();
            }

            await Task.Delay(PauseBetweenMessages);
        }
    }

    /// <summary>One attempt: the stored send_time, or how long to wait before the next attempt.</summary>
    private async Task<(long? SendTime, TimeSpan Wait)> SendOnceAsync(
        string chat, string member, string text, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/api/send")
        {
            Content = new StringContent(
                JsonSerializer.Serialize(new Dictionary<string, string>
                {
                    ["chat"] = chat,
                    ["sender"] = member,
                    ["text"] = text,
                }),
                Encoding.UTF8,
                "application/json"),
        };
        request.Headers.Add("Idempotency-Key", key);

        var started = Stopwatch.GetTimestamp();
        try
        {
            using var response = await http.SendAsync(request);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode == HttpStatusCode.OK)
            {
                using var message = JsonDocument.Parse(body);
                return (message.RootElement.GetProperty("send_time").GetInt64(), TimeSpan.Zero);
            }

            Tally.FailureTook(Stopwatch.GetElapsedTime(started));
            var isProblem = response.Content.Headers.ContentType?.MediaType == "application/problem+json";
            var retryAfter = response.Headers.RetryAfter?.Delta;
            switch (response.StatusCode)
            {
                case HttpStatusCode.ServiceUnavailable when isProblem && retryAfter is not null:
                    Tally.CountUnavailable();
                    return (null, retryAfter.Value);
                case HttpStatusCode.TooManyRequests when isProblem && retryAfter is not null:
                    Tally.CountRateLimited();
                    return (null, retryAfter.Value);
                case HttpStatusCode.GatewayTimeout when isProblem:
                    Tally.CountTimedOut();
                    return (null, TimeSpan.FromSeconds(1));
                default:
                    return Unclear($"{(int)response.StatusCode} {response.Headers.RetryAfter} {body}");
            }
        }
        catch (Exception exception) when (exception is HttpRequestException or TaskCanceledException)
        {
            Tally.FailureTook(Stopwatch.GetElapsedTime(started));
            return Unclear($"{exception.GetType().Name}: {exception.Message}");
        }
    }

    private (long?, TimeSpan) Unclear(string what)
    {
        Tally.CountUnclear();
        _unclear.Enqueue(what);
        return (null, PauseAfterUnclear);
    }
}

using System.Net;
using System.Text.Json;

namespace Chat.Tests.Reliability;

/// <summary>
/// Reads back every conversation of a <see cref="SendLoad"/> through the public API, page by page in send_time
/// order, and compares what is stored with what was acknowledged.
/// </summary>
internal sealed record StoredAudit(int Stored, int Lost, int Duplicated, int OutOfOrder, int AckedOutOfOrder)
{
    private const int PageSize = 100;

    public string Summary =>
        $"stored={Stored} lost={Lost} duplicated={Duplicated} out_of_order={OutOfOrder} "
        + $"acknowledged_out_of_order={AckedOutOfOrder}";

    /// <summary>
    /// Lost: acknowledged but absent, or stored with another send_time than the acknowledgement said. Duplicated:
    /// a text stored more than once. Out of order: a page sequence whose send_time does not strictly increase.
    /// Acknowledged out of order: one sender's acknowledged messages whose send_time does not follow their sequence.
    /// </summary>
    public static async Task<StoredAudit> CheckAsync(HttpClient http, SendLoad load)
    {
        var stored = new Dictionary<string, List<long>>(StringComparer.Ordinal);
        var outOfOrder = 0;
        foreach (var (first, second) in load.Conversations)
        {
            var previous = long.MinValue;
            foreach (var (text, sendTime) in await ReadAllAsync(http, $"{first}:{second}"))
            {
                outOfOrder += sendTime > previous ? 0 : 1;
                previous = sendTime;
                if (!stored.TryGetValue(text, out var times))
                {
                    stored[text] = times = [];
                }

                times.Add(sendTime);
            }
        }

        var lost = load.Acknowledged.Count(acked =>
            !stored.TryGetValue(acked.Key, out var times) || !times.Contains(acked.Value));
        var duplicated = stored.Values.Sum(times => times.Count - 1);
        var ackedOutOfOrder = load.Acknowledged
            .Select(acked => (Member: acked.Key[..acked.Key.IndexOf('#')],
                Sequence: int.Parse(acked.Key[(acked.Key.IndexOf('#') + 1)..]), SendTime: acked.Value))
            .GroupBy(acked => acked.Member)
            .Sum(member =>
            {
                var bySequence = member.OrderBy(acked => acked.Sequence).Select(acked => acked.SendTime).ToArray();
                return bySequence.Zip(bySequence.Skip(1)).Count(pair => pair.Second <= pair.First);
            });

        return new StoredAudit(stored.Values.Sum(times => times.Count), lost, duplicated, outOfOrder, ackedOutOfOrder);
    }

    /// <summary>Every message of a conversation, oldest first, following next_cursor from the start.</summary>
    private static async Task<List<(string Text, long SendTime)>> ReadAllAsync(HttpClient http, string chat)
    {
        var messages = new List<(string, long)>();
        long cursor = 0;
        while (true)
        {
            var uri = $"/api/pull?chat={Uri.EscapeDataString(chat)}&cursor={cursor}&limit={PageSize}";
            using var response = await http.GetAsync(uri);
            var body = await response.Content.ReadAsStringAsync();
            if (response.StatusCode != HttpStatusCode.OK)
            {
                throw new InvalidOperationException($"Pull {uri} answered {(int)response.StatusCode}: {body}");
            }

            using var page = JsonDocument.Parse(body);
            foreach (var message in page.RootElement.GetProperty("messages").EnumerateArray())
            {
                messages.Add((message.GetProperty("text").GetString()!, message.GetProperty("send_time").GetInt64()));
            }

            if (!page.RootElement.GetProperty("has_more").GetBoolean())
            {
                return messages;
            }

            cursor = page.RootElement.GetProperty("next_cursor").GetInt64();
        }
    }
}

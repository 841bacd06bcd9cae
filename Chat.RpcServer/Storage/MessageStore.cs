using System.Diagnostics;
using Chat.Contract;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chat.RpcServer.Storage;

/// <summary>A message stored in a conversation, as the store hands it back.</summary>
internal readonly record struct Message(string Chat, string Text, string Sender, long SendTime);

/// <summary>The outcome of a send: the stored message, and whether an earlier send with the key stored it.</summary>
internal readonly record struct SendOutcome(Message Message, bool Replayed);

/// <summary>One page of a pull. <see cref="NextCursor"/> is the send_time of the first message not returned.</summary>
internal sealed record MessagePage(IReadOnlyList<Message> Messages, bool HasMore, long NextCursor);

/// <summary>One send for the store: a checked conversation, the sender's index in it, the text and the key.</summary>
internal readonly record struct SendItem(
    ConversationName Conversation, int SenderIndex, string Text, string IdempotencyKey, bool ClientSuppliedKey);

/// <summary>One pull for the store: a checked conversation, an inclusive cursor, a resolved limit and the order.
/// </summary>
internal readonly record struct PullItem(ConversationName Conversation, long Cursor, int Limit, bool Reverse);

/// <summary>
/// Stores and pages messages in Redis: one sorted set per conversation, scored by send_time. Sends are one Lua
/// script (<see cref="SendScript"/>) for as many as come together; a pull is one ZRANGEBYSCORE with LIMIT, which
/// costs O(log n + page size) however long the conversation.
/// </summary>
/// <remarks>
/// The sends of one script must share a hash slot on Redis Cluster, which refuses a script whose keys do not: there
/// they are grouped by their conversation's slot, one script per group, and the groups run at once, each on its own
/// shard. On a single Redis (or Garnet) one script carries them all.
/// </remarks>
internal sealed class MessageStore(IConnectionMultiplexer redis, IOptions<StoreOptions> options, StoreMetrics metrics)
{
    private readonly StoreOptions _options = options.Value;

    public async Task<SendOutcome> SendAsync(
        ConversationName conversation, int senderIndex, string text, string idempotencyKey, bool clientSuppliedKey)
    {
        var outcomes = await SendManyAsync(
            [new SendItem(conversation, senderIndex, text, idempotencyKey, clientSuppliedKey)]).ConfigureAwait(false);
        return outcomes[0];
    }

    /// <summary>Stores the sends in the order given; the outcome of each stands at its index.</summary>
    public async Task<SendOutcome[]> SendManyAsync(IReadOnlyList<SendItem> sends)
    {
        var keys = new ConversationKeys[sends.Count];
        for (var i = 0; i < keys.Length; i++)
        {
            keys[i] = new ConversationKeys(sends[i].Conversation);
        }

        var started = Stopwatch.GetTimestamp();
        var outcomes = new SendOutcome[sends.Count];
        var groups = GroupBySlot(keys);
        if (groups.Count == 1)
        {
            await SendGroupAsync(sends, keys, groups[0], outcomes).ConfigureAwait(false);
        }
        else
        {
            await Task.WhenAll(groups.Select(group => SendGroupAsync(sends, keys, group, outcomes)))
                .ConfigureAwait(false);
        }

        metrics.RecordStoreDuration("send", Stopwatch.GetElapsedTime(started));
        return outcomes;
    }

    /// <summary>
    /// Reads one page. Forward: send_time >= cursor, oldest first. Reverse: send_time <= cursor (or from the newest
    /// when cursor is 0), newest first. One message more than the page is read to learn where the next page starts.
    /// </summary>
    public async Task<MessagePage> PullAsync(ConversationName conversation, long cursor, int limit, bool reverse)
    {
        var keys = new ConversationKeys(conversation);
        var started = Stopwatch.GetTimestamp();

        var members = reverse
            ? await redis.GetDatabase().SortedSetRangeByScoreAsync(
                keys.Messages,
                start: cursor == 0 ? double.PositiveInfinity : cursor,
                stop: double.NegativeInfinity,
                order: Order.Descending,
                take: limit + 1).ConfigureAwait(false)
            : await redis.GetDatabase().SortedSetRangeByScoreAsync(
                keys.Messages,
                start: cursor,
                stop: double.PositiveInfinity,
                order: Order.Ascending,
                take: limit + 1).ConfigureAwait(false);

        metrics.RecordStoreDuration("pull", Stopwatch.GetElapsedTime(started));
        return ToPage(conversation, members, limit);
    }

    /// <summary>
    /// Reads the pages of several pulls, each as <see cref="PullAsync"/> would; each stands at its index. The reads
    /// go out together, and the multiplexer writes them to Redis in one go (on a cluster, to each pull's shard).
    /// </summary>
    /// <remarks>
    /// Unlike sends, pulls are not gathered into one script: a script's own cost in Redis (about 8 µs per call,
    /// measured) is more than the round trips that pipelining already spares, and a read needs no atomicity.
    /// </remarks>
    public Task<MessagePage[]> PullManyAsync(IReadOnlyList<PullItem> pulls) =>
        Task.WhenAll(pulls.Select(pull => PullAsync(pull.Conversation, pull.Cursor, pull.Limit, pull.Reverse)));

    private async Task SendGroupAsync(
        IReadOnlyList<SendItem> sends, ConversationKeys[] keys, int[] group, SendOutcome[] outcomes)
    {
        var scriptKeys = new RedisKey[2 * group.Length];
        var scriptArguments = new RedisValue[4 * group.Length];
        for (var j = 0; j < group.Length; j++)
        {
            var send = sends[group[j]];
            var retention = send.ClientSuppliedKey ? _options.ClientKeyRetention : _options.RequestKeyRetention;
            scriptKeys[2 * j] = keys[group[j]].Messages;
            scriptKeys[2 * j + 1] = keys[group[j]].SentWithKey(send.IdempotencyKey);
            scriptArguments[4 * j] = send.SenderIndex;
            scriptArguments[4 * j + 1] = send.Text;
            scriptArguments[4 * j + 2] = (long)Math.Ceiling(retention.TotalSeconds);
            scriptArguments[4 * j + 3] = keys[group[j]].Live.ToString();
        }

        var reply = (RedisResult[]?)await redis.GetDatabase()
            .ScriptEvaluateAsync(SendScript.Source, scriptKeys, scriptArguments).ConfigureAwait(false);
        if (reply is null || reply.Length != 2 * group.Length)
        {
            throw new InvalidOperationException("The send script returned something other than { flag, member } "
                + "for each send.");
        }

        var stored = 0;
        for (var j = 0; j < group.Length; j++)
        {
            var replayed = (long)reply[2 * j] == 0;
            var conversation = sends[group[j]].Conversation;
            outcomes[group[j]] = new SendOutcome(
                ToMessage(conversation, StoredMessage.Parse((RedisValue)reply[2 * j + 1])), replayed);
            stored += replayed ? 0 : 1;
        }

        metrics.MessagesSent(stored);
    }

    /// <summary>
    /// The indices of the sends, in order, grouped so that each group may go in one script: all of them on a
    /// single server, those whose conversations share a hash slot on a cluster.
    /// </summary>
    private List<int[]> GroupBySlot(ConversationKeys[] keys)
    {
        if (keys.Length == 1 || !IsCluster())
        {
            return [Enumerable.Range(0, keys.Length).ToArray()];
        }

        var groups = new Dictionary<int, List<int>>();
        for (var i = 0; i < keys.Length; i++)
        {
            var slot = redis.HashSlot(keys[i].Messages);
            if (!groups.TryGetValue(slot, out var group))
            {
                groups[slot] = group = [];
            }

            group.Add(i);
        }

        return groups.Values.Select(group => group.ToArray()).ToList();
    }

    private bool IsCluster()
    {
        foreach (var server in redis.GetServers())
        {
            if (server.ServerType == ServerType.Cluster)
            {
                return true;
            }
        }

        return false;
    }

    private MessagePage ToPage(ConversationName conversation, RedisValue[] members, int limit)
    {
        var stored = Array.ConvertAll(members, StoredMessage.Parse);
        var (count, hasMore, nextCursor) = PageRules.Split(stored, limit, message => message.SendTime);
        var messages = new Message[count];
        for (var i = 0; i < count; i++)
        {
            messages[i] = ToMessage(conversation, stored[i]);
        }

        metrics.RecordPageSize(count);
        return new MessagePage(messages, hasMore, nextCursor);
    }

    private static Message ToMessage(ConversationName conversation, StoredMessage stored) =>
        new(conversation.Canonical, stored.Text, conversation.MemberAt(stored.SenderIndex), stored.SendTime);
}

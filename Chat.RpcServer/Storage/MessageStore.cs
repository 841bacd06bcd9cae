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

/// <summary>
/// Stores and pages messages in Redis: one sorted set per conversation, scored by send_time. A send is one Lua
/// script; a pull is one ZRANGEBYSCORE with LIMIT, which costs O(log n + page size) however long the conversation.
/// </summary>
internal sealed class MessageStore(IConnectionMultiplexer redis, IOptions<StoreOptions> options, StoreMetrics metrics)
{
    private readonly StoreOptions _options = options.Value;

    public async Task<SendOutcome> SendAsync(
        ConversationName conversation, int senderIndex, string text, string idempotencyKey, bool clientSuppliedKey)
    {
        var keys = new ConversationKeys(conversation);
        var retention = clientSuppliedKey ? _options.ClientKeyRetention : _options.RequestKeyRetention;
        var started = Stopwatch.GetTimestamp();

        var reply = (RedisResult[]?)await redis.GetDatabase().ScriptEvaluateAsync(
            SendScript.Source,
            [keys.Messages, keys.SentWithKey(idempotencyKey)],
            [senderIndex, text, (long)Math.Ceiling(retention.TotalSeconds), keys.Live.ToString()])
            .ConfigureAwait(false);

        metrics.RecordStoreDuration("send", Stopwatch.GetElapsedTime(started));
        if (reply is not { Length: 2 })
        {
            throw new InvalidOperationException("The send script returned something other than { flag, member }.");
        }

        var replayed = (long)reply[0] == 0;
        var message = ToMessage(conversation, StoredMessage.Parse((RedisValue)reply[1]));
        if (!replayed)
        {
            metrics.MessageSent();
        }

        return new SendOutcome(message, replayed);
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

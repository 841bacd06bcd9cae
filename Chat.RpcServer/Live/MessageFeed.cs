using System.Threading.Channels;
using Chat.Contract;
using Chat.RpcServer.Storage;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chat.RpcServer.Live;

/// <summary>
/// Streams one conversation to one subscriber: stored messages after a point, then each new one, exactly once and
/// in send_time order, whichever replica stored it.
/// </summary>
/// <remarks>
/// The feed subscribes to the conversation's live channel first and reads the store second, so a message stored in
/// between is both read and announced, and the copy at or below the last delivered send_time is skipped. Redis
/// pub/sub may drop an announcement (a reconnect, a full output buffer); each announcement carries the send_time
/// of the message before it, so a missed one is noticed at the next and the gap is read from the store. After the
/// connection to Redis is restored the store is read again, because a message stored while it was down may be
/// the last for a while. The store, not the channel, is the source of truth.
/// </remarks>
internal sealed class MessageFeed(IConnectionMultiplexer redis, MessageStore store, IOptions<LiveOptions> options,
    IOptions<StoreOptions> storeOptions)
{
    private readonly int _capacity = options.Value.BufferCapacity;
    private readonly int _pageSize = storeOptions.Value.MaxPageSize;

    /// <summary>
    /// Delivers messages to <paramref name="deliver"/> until cancelled. <paramref name="subscribed"/> runs once the
    /// live channel is subscribed. Throws <see cref="SubscriberFellBehindException"/> when the subscriber's buffer
    /// fills up; a delivery still waiting on the subscriber at that moment is cancelled, so a subscriber that stopped
    /// reading altogether is let go as well.
    /// </summary>
    public async Task StreamAsync(
        ConversationName conversation,
        long afterSendTime,
        bool onlyNew,
        Func<Task> subscribed,
        Func<Message, CancellationToken, Task> deliver,
        CancellationToken cancellationToken)
    {
        var keys = new ConversationKeys(conversation);
        using var fellBehind = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var token = fellBehind.Token;

        // A null item means "read the store again": the connection to Redis came back.
        var inbox = Channel.CreateBounded<LiveNotice?>(
            new BoundedChannelOptions(_capacity) { SingleReader = true, SingleWriter = false });
        void Enqueue(LiveNotice? notice)
        {
            if (!inbox.Writer.TryWrite(notice) && inbox.Writer.TryComplete())
            {
                fellBehind.Cancel();
            }
        }

        void OnNotice(RedisChannel channel, RedisValue value) => Enqueue(TryParse(value));
        void OnRestored(object? sender, ConnectionFailedEventArgs args) => Enqueue(null);

        var subscriber = redis.GetSubscriber();
        await subscriber.SubscribeAsync(keys.Live, OnNotice).ConfigureAwait(false);
        redis.ConnectionRestored += OnRestored;
        try
        {
            var last = onlyNew ? await NewestSendTimeAsync(conversation).ConfigureAwait(false) : afterSendTime;
            await subscribed().ConfigureAwait(false);
            last = await CatchUpAsync(conversation, last, deliver, token).ConfigureAwait(false);

            await foreach (var notice in inbox.Reader.ReadAllAsync(token).ConfigureAwait(false))
            {
                if (notice is { } announced && announced.Previous == last)
                {
                    await deliver(ToMessage(conversation, announced.Message), token).ConfigureAwait(false);
                    last = announced.Message.SendTime;
                }
                else if (notice is null || notice.Value.Message.SendTime > last)
                {
                    last = await CatchUpAsync(conversation, last, deliver, token).ConfigureAwait(false);
                }
            }

            throw new SubscriberFellBehindException(_capacity);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new SubscriberFellBehindException(_capacity);
        }
        finally
        {
            // Completed first, so that a late announcement cannot cancel a disposed token.
            inbox.Writer.TryComplete();
            redis.ConnectionRestored -= OnRestored;
            // Fire and forget: with Redis down, waiting for the reply would hide why the stream ended.
            await subscriber.UnsubscribeAsync(keys.Live, OnNotice, CommandFlags.FireAndForget).ConfigureAwait(false);
        }
    }

    /// <summary>Delivers every stored message after <paramref name="last"/>, page by page; returns the new last.
    /// </summary>
    private async Task<long> CatchUpAsync(
        ConversationName conversation,
        long last,
        Func<Message, CancellationToken, Task> deliver,
        CancellationToken cancellationToken)
    {
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var page = await store.PullAsync(conversation, last + 1, _pageSize, reverse: false).ConfigureAwait(false);
            foreach (var message in page.Messages)
            {
                await deliver(message, cancellationToken).ConfigureAwait(false);
                last = message.SendTime;
            }

            if (!page.HasMore)
            {
                return last;
            }
        }
    }

    private async Task<long> NewestSendTimeAsync(ConversationName conversation)
    {
        var page = await store.PullAsync(conversation, 0, 1, reverse: true).ConfigureAwait(false);
        return page.Messages.Count == 0 ? 0 : page.Messages[0].SendTime;
    }

    /// <summary>An announcement that cannot be read is treated as a missed one: the store is read instead.</summary>
    private static LiveNotice? TryParse(RedisValue value)
    {
        try
        {
            return LiveNotice.Parse(value);
        }
        catch (FormatException)
        {
            return null;
        }
    }

    private static Message ToMessage(ConversationName conversation, StoredMessage stored) =>
        new(conversation.Canonical, stored.Text, conversation.MemberAt(stored.SenderIndex), stored.SendTime);
}

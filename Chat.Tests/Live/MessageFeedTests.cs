using System.Threading.Channels;
using Chat.Contract;
using Chat.RpcServer.Live;
using Chat.RpcServer.Storage;
using Chat.Tests.Store;
using Microsoft.Extensions.Options;

namespace Chat.Tests.Live;

/// <summary>The live feed of the RPC server over a real store server, without the services around it.</summary>
[Collection(LiveCollection.Name)]
public sealed class MessageFeedTests(LiveSystems systems)
{
    [Theory]
    [InlineData(StoreServerKind.Redis)]
    [InlineData(StoreServerKind.Garnet)]
    public async Task A_message_whose_announcement_was_missed_is_read_from_the_store(StoreServerKind kind)
    {
        var server = await systems.Servers.GetAsync(kind);
        var store = systems.Servers.CreateStore(server);
        var conversation = NewConversation();
        var delivered = Channel.CreateUnbounded<Message>();
        var subscribed = new TaskCompletionSource();
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        var feed = CreateFeed(server, store, new LiveOptions());

        var streaming = feed.StreamAsync(conversation, 0, onlyNew: false,
            subscribed: () => { subscribed.SetResult(); return Task.CompletedTask; },
            deliver: (message, token) => delivered.Writer.WriteAsync(message, token).AsTask(),
            stop.Token);
        await subscribed.Task;

        // Stored behind the feed's back, as if its announcement had been lost.
        var missed = await store.SendAsync(conversation, 0, "missed", Guid.NewGuid().ToString(), false);
        Assert.Equal(missed.Message, await NextAsync(delivered));
        await server.Redis.GetDatabase().SortedSetAddAsync(
            new ConversationKeys(conversation).Messages, $"{missed.Message.SendTime + 1}:1:unannounced",
            missed.Message.SendTime + 1);
        var announced = await store.SendAsync(conversation, 0, "announced", Guid.NewGuid().ToString(), false);

        var gap = await NextAsync(delivered);
        Assert.Equal(("unannounced", missed.Message.SendTime + 1), (gap.Text, gap.SendTime));
        Assert.Equal(announced.Message, await NextAsync(delivered));

        await stop.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => streaming);
    }

    [Fact]
    public async Task A_subscriber_that_stops_reading_is_let_go_when_its_buffer_fills()
    {
        const int capacity = 2;
        var server = await systems.Servers.GetAsync(StoreServerKind.Redis);
        var store = systems.Servers.CreateStore(server);
        var conversation = NewConversation();
        var subscribed = new TaskCompletionSource();
        var feed = CreateFeed(server, store, new LiveOptions { BufferCapacity = capacity });

        // The first delivery never completes, as with a client that stopped reading.
        var streaming = feed.StreamAsync(conversation, 0, onlyNew: true,
            subscribed: () => { subscribed.SetResult(); return Task.CompletedTask; },
            deliver: (_, token) => Task.Delay(Timeout.Infinite, token),
            TestContext.Current.CancellationToken);
        await subscribed.Task;
        for (var i = 0; i < capacity + 2; i++)
        {
            await store.SendAsync(conversation, 0, $"message {i}", Guid.NewGuid().ToString(), false);
        }

        await Assert.ThrowsAsync<SubscriberFellBehindException>(() => streaming);
    }

    private static MessageFeed CreateFeed(StoreServer server, MessageStore store, LiveOptions options) =>
        new(server.Redis, store, Options.Create(options), Options.Create(new StoreOptions()));

    private static Task<Message> NextAsync(Channel<Message> delivered) =>
        delivered.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask();

    private static ConversationName NewConversation()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        Assert.True(ConversationName.TryParse($"feed-a-{id}:feed-b-{id}", out var name, out _));
        return name;
    }
}

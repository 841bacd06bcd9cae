using System.Net;
using System.Text.Json;
using Chat.Tests.Distributed;
using Chat.Tests.Store;

namespace Chat.Tests.Live;

/// <summary>GET /api/subscribe across two replicas of each service over one store server.</summary>
[Collection(LiveCollection.Name)]
public sealed class LiveDeliveryTests(LiveSystems systems)
{
    private const int BatchSize = 10;

    [Theory]
    [InlineData(StoreServerKind.Redis)]
    [InlineData(StoreServerKind.Garnet)]
    public async Task Subscribers_on_another_replica_get_every_message_once_in_order_across_a_reconnect(
        StoreServerKind kind)
    {
        var replicas = await systems.GetAsync(kind);
        var (sending, receiving) = (replicas.Http[0], replicas.Http[1]);
        var chat = NewConversation();
        var members = chat.Split(':');

        await using var fromStart = await EventStream.OpenAsync(receiving, chat, cursor: 0);
        var live = await EventStream.OpenAsync(receiving, chat);

        var first = new List<ApiMessage>();
        for (var i = 0; i < BatchSize; i++)
        {
            first.Add(await sending.SendAsync(chat, members[i % 2], $"first {i}"));
        }

        var delivered = await live.NextAsync(BatchSize);
        await live.DisposeAsync();
        Assert.Equal(first.Select(m => m.SendTime), delivered.Select(e => e.SendTime));
        Assert.Equal(first.Select(m => m.SendTime.ToString()), delivered.Select(e => e.Id));

        // Sent while the subscriber is away, concurrently through both replicas.
        var second = (await Task.WhenAll(Enumerable.Range(0, BatchSize).Select(i =>
            replicas.Http[i % 2].SendAsync(chat, members[i % 2], $"second {i}"))))
            .OrderBy(m => m.SendTime).ToList();

        await using var resumed = await EventStream.OpenAsync(receiving, chat, lastEventId: delivered[^1].Id);
        var last = await sending.SendAsync(chat, members[0], "last");
        var expected = second.Append(last).Select(m => m.SendTime).ToList();

        // Reading up to the last message proves nothing came twice or out of order before it.
        Assert.Equal(expected, (await resumed.NextAsync(expected.Count)).Select(e => e.SendTime));
        Assert.Equal(
            first.Select(m => m.SendTime).Concat(expected),
            (await fromStart.NextAsync(2 * BatchSize + 1)).Select(e => e.SendTime));
    }

    [Fact]
    public async Task A_stream_from_a_cursor_starts_with_the_message_at_the_cursor()
    {
        var replicas = await systems.GetAsync(StoreServerKind.Redis);
        var chat = NewConversation();
        var sender = chat.Split(':')[0];
        await replicas.Http[0].SendAsync(chat, sender, "before");
        var at = await replicas.Http[0].SendAsync(chat, sender, "at");
        var after = await replicas.Http[0].SendAsync(chat, sender, "after");

        await using var stream = await EventStream.OpenAsync(replicas.Http[1], chat, cursor: at.SendTime);

        var events = await stream.NextAsync(2);
        Assert.Equal(["at", "after"], events.Select(e => e.Text));
        Assert.Equal(after.SendTime, events[1].SendTime);
    }

    [Theory]
    [InlineData("no-separator", null, null, "chat")]
    [InlineData("a:b", "-1", null, "cursor")]
    [InlineData("a:b", "soon", null, "cursor")]
    [InlineData("a:b", null, "not-a-number", "Last-Event-ID")]
    public async Task Bad_subscriptions_are_problems_naming_the_field(
        string chat, string? cursor, string? lastEventId, string field)
    {
        var replicas = await systems.GetAsync(StoreServerKind.Redis);
        var query = $"/api/subscribe?chat={Uri.EscapeDataString(chat)}" + (cursor is null ? "" : $"&cursor={cursor}");
        using var request = new HttpRequestMessage(HttpMethod.Get, query);
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        using var response = await replicas.Http[0].SendAsync(request, TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var problem = JsonDocument.Parse(
            await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken));
        Assert.Equal(field, problem.RootElement.GetProperty("field").GetString());
    }

    [Fact]
    public async Task Subscriptions_over_the_per_client_limit_are_refused_until_one_closes()
    {
        var replicas = await systems.GetAsync(StoreServerKind.Redis);
        var chat = NewConversation();
        var streams = new List<EventStream>();
        try
        {
            for (var i = 0; i < LiveReplicas.MaxSubscriptionsPerClient; i++)
            {
                streams.Add(await EventStream.OpenAsync(replicas.Http[0], chat));
            }

            using (var refused = await EventStream.SendAsync(replicas.Http[0], chat))
            {
                Assert.Equal(HttpStatusCode.TooManyRequests, refused.StatusCode);
                Assert.NotNull(refused.Headers.RetryAfter);
            }

            await streams[0].DisposeAsync();
            streams.RemoveAt(0);
            streams.Add(await OpenWhenReleasedAsync(replicas.Http[0], chat));
        }
        finally
        {
            foreach (var stream in streams)
            {
                await stream.DisposeAsync();
            }
        }
    }

    /// <summary>The server learns that a client closed its stream when the connection's abort reaches it; until
    /// then the slot is still taken, so the next open is retried on 429 only.</summary>
    private static async Task<EventStream> OpenWhenReleasedAsync(HttpClient client, string chat)
    {
        while (true)
        {
            var response = await EventStream.SendAsync(client, chat);
            if (response.StatusCode != HttpStatusCode.TooManyRequests)
            {
                return await EventStream.FromResponseAsync(response);
            }

            response.Dispose();
            await Task.Delay(TimeSpan.FromMilliseconds(100), TestContext.Current.CancellationToken);
        }
    }

    private static string NewConversation()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        return $"live-a-{id}:live-b-{id}";
    }
}

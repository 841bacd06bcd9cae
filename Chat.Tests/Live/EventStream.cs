using System.Net.ServerSentEvents;
using System.Text.Json;

namespace Chat.Tests.Live;

/// <summary>A message as an event of /api/subscribe carries it.</summary>
internal sealed record LiveEvent(string Id, string Text, string Sender, long SendTime);

/// <summary>A client of GET /api/subscribe that reads its events one at a time.</summary>
internal sealed class EventStream : IAsyncDisposable
{
    private readonly HttpResponseMessage _response;
    private readonly IAsyncEnumerator<SseItem<string>> _events;

    private EventStream(HttpResponseMessage response, IAsyncEnumerator<SseItem<string>> events)
    {
        _response = response;
        _events = events;
    }

    /// <summary>Opens a stream; the response has arrived, so the subscription is in place when this returns.</summary>
    public static async Task<EventStream> OpenAsync(
        HttpClient client, string chat, long? cursor = null, string? lastEventId = null)
    {
        return await FromResponseAsync(await SendAsync(client, chat, cursor, lastEventId));
    }

    /// <summary>Reads the events of a subscription's response, which must be a stream.</summary>
    public static async Task<EventStream> FromResponseAsync(HttpResponseMessage response)
    {
        response.EnsureSuccessStatusCode();
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);

        var body = await response.Content.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        var events = SseParser.Create(body).EnumerateAsync(TestContext.Current.CancellationToken)
            .GetAsyncEnumerator(TestContext.Current.CancellationToken);
        return new EventStream(response, events);
    }

    /// <summary>The response of a subscription request, for requests expected to fail before streaming.</summary>
    public static Task<HttpResponseMessage> SendAsync(
        HttpClient client, string chat, long? cursor = null, string? lastEventId = null)
    {
        var query = $"/api/subscribe?chat={Uri.EscapeDataString(chat)}" + (cursor is { } at ? $"&cursor={at}" : "");
        var request = new HttpRequestMessage(HttpMethod.Get, query);
        if (lastEventId is not null)
        {
            request.Headers.TryAddWithoutValidation("Last-Event-ID", lastEventId);
        }

        return client.SendAsync(
            request, HttpCompletionOption.ResponseHeadersRead, TestContext.Current.CancellationToken);
    }

    public async Task<LiveEvent> NextAsync()
    {
        while (await _events.MoveNextAsync())
        {
            var item = _events.Current;
            if (item.Data.Length == 0)
            {
                continue;
            }

            using var message = JsonDocument.Parse(item.Data);
            var root = message.RootElement;
            return new LiveEvent(
                item.EventId ?? string.Empty,
                root.GetProperty("text").GetString()!,
                root.GetProperty("sender").GetString()!,
                root.GetProperty("send_time").GetInt64());
        }

        throw new InvalidOperationException("The event stream ended.");
    }

    public async Task<List<LiveEvent>> NextAsync(int count)
    {
        var events = new List<LiveEvent>(count);
        for (var i = 0; i < count; i++)
        {
            events.Add(await NextAsync());
        }

        return events;
    }

    public async ValueTask DisposeAsync()
    {
        await _events.DisposeAsync();
        _response.Dispose();
    }
}

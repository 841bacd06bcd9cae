using System.Net;
using System.Net.Http.Json;
using static Chat.Tests.Distributed.ChatApiClient;

namespace Chat.Tests.Distributed;

/// <summary>GET /api/pull against the real app host, row by row of the contract.</summary>
public sealed class PullContractTests(ChatAppFixture app) : IClassFixture<ChatAppFixture>
{
    private HttpClient Http => app.Http;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_conversation_with_no_messages_is_an_empty_page()
    {
        using var response = await Http.GetAsync($"/api/pull?chat={NewConversation().Chat}", Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("""{"messages":[],"has_more":false,"next_cursor":0}""",
            await response.Content.ReadAsStringAsync(Cancellation));
    }

    [Fact]
    public async Task Pull_defaults_to_ten_messages_oldest_first_from_the_start()
    {
        var (chat, sent) = await SeedAsync(12);

        var page = await Http.PullAsync(chat);

        Assert.Equal(sent.Take(10), page.Messages);
        Assert.True(page.HasMore);
        Assert.Equal(sent[10].SendTime, page.NextCursor);
    }

    [Fact]
    public async Task Following_next_cursor_forward_visits_every_message_once_in_order()
    {
        var (chat, sent) = await SeedAsync(23);

        var visited = await PageThroughAsync(chat, limit: 5, reverse: false);

        Assert.Equal(sent, visited);
    }

    [Fact]
    public async Task Following_next_cursor_in_reverse_from_the_newest_visits_every_message_once()
    {
        var (chat, sent) = await SeedAsync(23);

        var visited = await PageThroughAsync(chat, limit: 4, reverse: true);

        Assert.Equal(sent.AsEnumerable().Reverse(), visited);
    }

    [Fact]
    public async Task A_forward_cursor_is_inclusive()
    {
        var (chat, sent) = await SeedAsync(5);

        var page = await Http.PullAsync(chat, cursor: sent[2].SendTime, limit: 2);

        Assert.Equal(sent.Skip(2).Take(2), page.Messages);
        Assert.True(page.HasMore);
        Assert.Equal(sent[4].SendTime, page.NextCursor);
    }

    [Fact]
    public async Task Pull_in_reverse_from_a_cursor_includes_it()
    {
        var (chat, sent) = await SeedAsync(5);

        var page = await Http.PullAsync(chat, cursor: sent[2].SendTime, limit: 10, reverse: true);

        Assert.Equal([sent[2], sent[1], sent[0]], page.Messages);
        Assert.False(page.HasMore);
        Assert.Equal(0, page.NextCursor);
    }

    [Fact]
    public async Task The_last_page_has_no_more_and_next_cursor_zero()
    {
        var (chat, sent) = await SeedAsync(3);

        var page = await Http.PullAsync(chat, limit: 3);

        Assert.Equal(sent, page.Messages);
        Assert.False(page.HasMore);
        Assert.Equal(0, page.NextCursor);
    }

    [Fact]
    public async Task A_limit_above_the_maximum_is_clamped_to_it()
    {
        var (chat, _) = await SeedAsync(105);

        var page = await Http.PullAsync(chat, limit: 1000);

        Assert.Equal(100, page.Messages.Count);
        Assert.True(page.HasMore);
    }

    [Fact]
    public async Task Messages_sent_while_paging_do_not_make_a_page_repeat_or_skip()
    {
        var (chat, sent) = await SeedAsync(6);

        var first = await Http.PullAsync(chat, limit: 3);
        var late = await Http.SendAsync(chat, sent[0].Sender, "late");
        var second = await Http.PullAsync(chat, cursor: first.NextCursor, limit: 10);

        Assert.Equal(sent.Take(3), first.Messages);
        Assert.Equal(sent.Skip(3).Append(late), second.Messages);
    }

    [Fact]
    public async Task Pull_reads_a_json_body_on_get_as_postman_sends_it()
    {
        var (chat, sent) = await SeedAsync(3);

        using var response = await Http.SendJsonAsync(
            HttpMethod.Get, "/api/pull", new { chat, cursor = 0, limit = 2, reverse = true });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = (await response.Content.ReadFromJsonAsync<ApiPage>(Json, Cancellation))!;
        Assert.Equal([sent[2], sent[1]], page.Messages);
    }

    [Fact]
    public async Task Pull_reads_a_form_body()
    {
        var (chat, sent) = await SeedAsync(2);
        var request = new HttpRequestMessage(HttpMethod.Get, "/api/pull")
        {
            Content = new FormUrlEncodedContent(new Dictionary<string, string> { ["chat"] = chat, ["limit"] = "1" }),
        };

        using var response = await Http.SendAsync(request, Cancellation);

        var page = (await response.Content.ReadFromJsonAsync<ApiPage>(Json, Cancellation))!;
        Assert.Equal([sent[0]], page.Messages);
    }

    [Theory]
    [InlineData("chat=ab", "chat")]
    [InlineData("", "chat")]
    [InlineData("chat=a:b&limit=-1", "limit")]
    [InlineData("chat=a:b&limit=ten", "limit")]
    [InlineData("chat=a:b&cursor=-5", "cursor")]
    [InlineData("chat=a:b&cursor=99999999999999999999", "cursor")]
    [InlineData("chat=a:b&reverse=maybe", "reverse")]
    [InlineData("chat=a:b&chat=b:a", "chat")]
    public async Task An_invalid_pull_is_a_400_problem_naming_the_field(string query, string field)
    {
        using var response = await Http.GetAsync($"/api/pull?{query}", Cancellation);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Theory]
    [InlineData("""{"chat":"a:b","limit":"10"}""", "limit")]
    [InlineData("""{"chat":"a:b","cursor":1.5}""", "cursor")]
    [InlineData("""{"chat":"a:b","reverse":"yes"}""", "reverse")]
    [InlineData("""{"chat":"a:b",""", "body")]
    public async Task A_pull_with_a_wrong_json_type_is_a_400_problem_naming_the_field(string body, string field)
    {
        using var response = await Http.SendRawAsync(HttpMethod.Get, "/api/pull", body, "application/json");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, field);
    }

    [Fact]
    public async Task An_unknown_path_is_a_404_problem()
    {
        using var response = await Http.GetAsync("/api/nothing-here", Cancellation);

        await AssertProblemAsync(response, HttpStatusCode.NotFound);
    }

    [Fact]
    public async Task A_wrong_method_is_a_405_problem()
    {
        using var response = await Http.GetAsync("/api/send", Cancellation);

        await AssertProblemAsync(response, HttpStatusCode.MethodNotAllowed);
    }

    private async Task<(string Chat, List<ApiMessage> Sent)> SeedAsync(int count)
    {
        var (chat, alice, bob) = NewConversation();
        var sent = new List<ApiMessage>();
        for (var i = 0; i < count; i++)
        {
            sent.Add(await Http.SendAsync(chat, i % 3 == 0 ? bob : alice, $"message {i}"));
        }

        return (chat, sent);
    }

    private async Task<List<ApiMessage>> PageThroughAsync(string chat, int limit, bool reverse)
    {
        var visited = new List<ApiMessage>();
        var cursor = 0L;
        while (true)
        {
            var page = await Http.PullAsync(chat, cursor, limit, reverse);
            Assert.True(page.Messages.Count <= limit);
            visited.AddRange(page.Messages);
            if (!page.HasMore)
            {
                Assert.Equal(0, page.NextCursor);
                return visited;
            }

            cursor = page.NextCursor;
        }
    }
}

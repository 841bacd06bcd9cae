using System.Net;
using System.Text.Json;
using static Chat.Tests.Distributed.ChatApiClient;

namespace Chat.Tests.Distributed;

/// <summary>POST /api/send against the real app host, row by row of the contract.</summary>
public sealed class SendContractTests(ChatAppFixture app) : IClassFixture<ChatAppFixture>
{
    private HttpClient Http => app.Http;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Send_with_a_json_body_returns_the_stored_message_in_snake_case()
    {
        var (chat, alice, _) = NewConversation();

        using var response = await Http.SendJsonAsync(
            HttpMethod.Post, "/api/send", new { chat, text = "hi", sender = alice });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync(Cancellation)).RootElement;
        Assert.Equal(chat, body.GetProperty("chat").GetString());
        Assert.Equal("hi", body.GetProperty("text").GetString());
        Assert.Equal(alice, body.GetProperty("sender").GetString());
        Assert.True(body.GetProperty("send_time").GetInt64() > 0);
    }

    [Fact]
    public async Task Send_time_is_microseconds_since_the_epoch()
    {
        var (chat, alice, _) = NewConversation();
        var before = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;

        var message = await Http.SendAsync(chat, alice, "when");

        var after = DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1000;
        Assert.InRange(message.SendTime, before - 5_000_000, after + 5_000_000);
    }

    [Fact]
    public async Task Send_with_a_form_body_is_accepted()
    {
        var (chat, _, bob) = NewConversation();
        var form = new FormUrlEncodedContent(new Dictionary<string, string>
        {
            ["chat"] = chat, ["text"] = "from a form", ["sender"] = bob,
        });

        using var response = await Http.PostAsync("/api/send", form, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        var page = await Http.PullAsync(chat);
        Assert.Equal("from a form", Assert.Single(page.Messages).Text);
    }

    [Fact]
    public async Task Send_with_fields_in_the_query_string_is_accepted()
    {
        var (chat, alice, _) = NewConversation();
        var query = $"/api/send?chat={Uri.EscapeDataString(chat)}&sender={alice}&text=by%20query";

        using var response = await Http.PostAsync(query, content: null, Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("by query", Assert.Single((await Http.PullAsync(chat)).Messages).Text);
    }

    [Fact]
    public async Task A_field_in_the_body_wins_over_the_same_field_in_the_query_string()
    {
        var (chat, alice, _) = NewConversation();

        using var response = await Http.SendJsonAsync(
            HttpMethod.Post, "/api/send?text=from%20the%20query", new { chat, text = "from the body", sender = alice });

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("from the body", Assert.Single((await Http.PullAsync(chat)).Messages).Text);
    }

    [Fact]
    public async Task Both_spellings_of_a_conversation_store_into_one_canonical_conversation()
    {
        var (chat, alice, bob) = NewConversation();
        var reversed = $"{bob}:{alice}";

        var first = await Http.SendAsync(reversed, bob, "one");
        var second = await Http.SendAsync(chat, alice, "two");

        Assert.Equal(chat, first.Chat);
        Assert.Equal(chat, second.Chat);
        var page = await Http.PullAsync(reversed);
        Assert.Equal(["one", "two"], page.Messages.Select(m => m.Text));
        Assert.All(page.Messages, m => Assert.Equal(chat, m.Chat));
    }

    [Fact]
    public async Task A_member_may_talk_to_themself()
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var chat = $"solo-{id}:solo-{id}";

        var message = await Http.SendAsync(chat, $"solo-{id}", "note to self");

        Assert.Equal(chat, message.Chat);
    }

    [Theory]
    [InlineData("{curly}", "st*r")]
    [InlineData("100% sure", "a b c")]
    [InlineData("Zoë", "Łukasz")]
    [InlineData("名前", "😀")]
    [InlineData("{x}", "{x}y")]
    public async Task Names_that_mean_something_to_Redis_or_a_URL_are_plain_data(string left, string right)
    {
        var id = Guid.NewGuid().ToString("N")[..6];
        var (first, second) = ($"{left}{id}", $"{right}{id}");
        var chat = $"{first}:{second}";

        var message = await Http.SendAsync(chat, second, "hello");
        var page = await Http.PullAsync($"{second}:{first}");

        var inOrder = Chat.Contract.ConversationName.CompareByCodePoint(first, second) <= 0;
        var expected = inOrder ? chat : $"{second}:{first}";
        Assert.Equal(expected, message.Chat);
        Assert.Equal(message, Assert.Single(page.Messages));
    }

    [Fact]
    public async Task Send_times_are_unique_and_increase_in_the_order_sends_were_acknowledged()
    {
        var (chat, alice, bob) = NewConversation();

        var times = new List<long>();
        for (var i = 0; i < 20; i++)
        {
            times.Add((await Http.SendAsync(chat, i % 2 == 0 ? alice : bob, $"m{i}")).SendTime);
        }

        Assert.Equal(times.Order(), times);
        Assert.Equal(times.Count, times.Distinct().Count());
    }

    [Fact]
    public async Task A_retry_with_the_same_idempotency_key_returns_the_first_message_and_stores_nothing()
    {
        var (chat, alice, _) = NewConversation();
        var key = Guid.NewGuid().ToString();

        var first = await Http.SendAsync(chat, alice, "once", key);
        var retry = await Http.SendAsync(chat, alice, "once", key);

        Assert.Equal(first, retry);
        Assert.Single((await Http.PullAsync(chat)).Messages);
    }

    [Fact]
    public async Task Sends_without_an_idempotency_key_are_each_stored()
    {
        var (chat, alice, _) = NewConversation();

        await Http.SendAsync(chat, alice, "same text");
        await Http.SendAsync(chat, alice, "same text");

        Assert.Equal(2, (await Http.PullAsync(chat)).Messages.Count);
    }

    [Fact]
    public async Task Text_of_exactly_the_maximum_length_is_accepted()
    {
        var (chat, alice, _) = NewConversation();

        var message = await Http.SendAsync(chat, alice, new string('x', 4096));

        Assert.Equal(4096, message.Text.Length);
    }

    public static TheoryData<string, string> InvalidSends => new()
    {
        { """{"text":"hi","sender":"a"}""", "chat" },
        { """{"chat":"ab","text":"hi","sender":"a"}""", "chat" },
        { """{"chat":"a:b:c","text":"hi","sender":"a"}""", "chat" },
        { """{"chat":":b","text":"hi","sender":"b"}""", "chat" },
        { """{"chat":"a:","text":"hi","sender":"a"}""", "chat" },
        { """{"chat":"a\u0001:b","text":"hi","sender":"b"}""", "chat" },
        { $$"""{"chat":"{{new string('a', 65)}}:b","text":"hi","sender":"b"}""", "chat" },
        { """{"chat":"a:b","text":"hi"}""", "sender" },
        { """{"chat":"a:b","text":"hi","sender":"c"}""", "sender" },
        { """{"chat":"a:b","text":"hi","sender":"A"}""", "sender" },
        { """{"chat":"a:b","sender":"a"}""", "text" },
        { """{"chat":"a:b","text":"","sender":"a"}""", "text" },
        { $$"""{"chat":"a:b","text":"{{new string('x', 4097)}}","sender":"a"}""", "text" },
        { """{"chat":42,"text":"hi","sender":"a"}""", "chat" },
        { """{"chat":"a:b","text":["hi"],"sender":"a"}""", "text" },
        { """{"chat":"a:b","text":"hi","sender":null}""", "sender" },
        { "{\"chat\":\"a:b\",\"text\":\"hi\",\"sender\":\"a\"", "body" },
        { """["a:b","hi","a"]""", "body" },
    };

    [Theory]
    [MemberData(nameof(InvalidSends))]
    public async Task An_invalid_send_is_a_400_problem_naming_the_field_and_stores_nothing(string body, string field)
    {
        using var response = await Http.SendRawAsync(HttpMethod.Post, "/api/send", body, "application/json");

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, field);
        Assert.Empty((await Http.PullAsync("a:b")).Messages);
    }

    [Theory]
    [InlineData("")]
    [InlineData("key\twith a tab")]
    [InlineData("k123456789k123456789k123456789k123456789k123456789k123456789k123456789"
        + "k123456789k123456789k123456789k123456789k123456789k123456789")]
    public async Task An_invalid_idempotency_key_is_a_400_problem(string key)
    {
        var (chat, alice, _) = NewConversation();
        var request = new HttpRequestMessage(HttpMethod.Post, "/api/send")
        {
            Content = System.Net.Http.Json.JsonContent.Create(new { chat, text = "hi", sender = alice }),
        };
        request.Headers.TryAddWithoutValidation("Idempotency-Key", key);

        using var response = await Http.SendAsync(request, Cancellation);

        await AssertProblemAsync(response, HttpStatusCode.BadRequest, "Idempotency-Key");
        Assert.Empty((await Http.PullAsync(chat)).Messages);
    }

    [Fact]
    public async Task A_body_over_the_size_limit_is_a_413_problem()
    {
        var (chat, alice, _) = NewConversation();
        var text = new string('x', 70 * 1024);

        using var response = await Http.SendJsonAsync(HttpMethod.Post, "/api/send", new { chat, text, sender = alice });

        await AssertProblemAsync(response, HttpStatusCode.RequestEntityTooLarge, "body");
        Assert.Empty((await Http.PullAsync(chat)).Messages);
    }
}

extern alias HttpServer;

using HttpServer::Chat.HttpServer.Api;
using Microsoft.Extensions.Primitives;
using static Chat.Tests.Unit.TestRequests;

namespace Chat.Tests.Unit;

public sealed class SendInputTests
{
    private const string ValidJson = """{"chat":"bob:alice","text":"hi","sender":"alice"}""";

    [Fact]
    public async Task Fields_come_from_a_json_body()
    {
        var (input, error) = await BindSendAsync(Create("POST", body: ValidJson));

        Assert.Null(error);
        Assert.Equal(("bob:alice", "hi", "alice"), (input!.Chat, input.Text, input.Sender));
    }

    [Fact]
    public async Task Fields_come_from_a_form_body()
    {
        var context = Create("POST", body: "chat=bob%3Aalice&text=hi+there%21&sender=alice", contentType: FormType);

        var (input, error) = await BindSendAsync(context);

        Assert.Null(error);
        Assert.Equal(("bob:alice", "hi there!", "alice"), (input!.Chat, input.Text, input.Sender));
    }

    [Fact]
    public async Task Fields_come_from_the_query_string()
    {
        var (input, error) = await BindSendAsync(Create("POST", query: "?chat=bob:alice&text=hi&sender=bob"));

        Assert.Null(error);
        Assert.Equal(("bob:alice", "hi", "bob"), (input!.Chat, input.Text, input.Sender));
    }

    [Fact]
    public async Task The_body_wins_over_the_query_string()
    {
        var context = Create("POST", query: "?chat=x:y&text=from+query&sender=x", body: ValidJson);

        var (input, error) = await BindSendAsync(context);

        Assert.Null(error);
        Assert.Equal(("bob:alice", "hi", "alice"), (input!.Chat, input.Text, input.Sender));
    }

    [Fact]
    public async Task Json_escapes_in_text_are_decoded()
    {
        var body = """{"chat":"a:b","text":"caf\u00e9 \ud83d\ude00\n{x}","sender":"a"}""";

        var (input, error) = await BindSendAsync(Create("POST", body: body));

        Assert.Null(error);
        Assert.Equal("café 😀\n{x}", input!.Text);
    }

    [Theory]
    [InlineData("""{"chat":"a:b","text":"hi","sender":"carol"}""", "sender")]
    [InlineData("""{"chat":"a:b","text":"hi","sender":"A"}""", "sender")]
    [InlineData("""{"chat":"a:b","text":"hi","sender":""}""", "sender")]
    [InlineData("""{"chat":"a:b","text":"hi"}""", "sender")]
    [InlineData("""{"chat":"a:b","text":"hi","sender":1}""", "sender")]
    [InlineData("""{"chat":"a:b","sender":"a"}""", "text")]
    [InlineData("""{"chat":"a:b","text":"","sender":"a"}""", "text")]
    [InlineData("""{"chat":"a:b","text":null,"sender":"a"}""", "text")]
    [InlineData("""{"chat":"a:b","text":42,"sender":"a"}""", "text")]
    [InlineData("""{"chat":"a:b","text":"bell\u0007","sender":"a"}""", "text")]
    [InlineData("""{"chat":"a:b","text":"lone \ud800 surrogate","sender":"a"}""", "text")]
    [InlineData("""{"chat":"a\udc00:b","text":"hi","sender":"a"}""", "chat")]
    [InlineData("""{"chat":"ab","text":"hi","sender":"a"}""", "chat")]
    [InlineData("""{"text":"hi","sender":"a"}""", "chat")]
    public async Task A_bad_field_is_refused_naming_it(string json, string field)
    {
        var (input, error) = await BindSendAsync(Create("POST", body: json));

        Assert.Null(input);
        Assert.Equal(field, error?.Field);
    }

    [Fact]
    public async Task A_sender_outside_the_conversation_is_told_who_the_members_are()
    {
        var (_, error) = await BindSendAsync(Create("POST", body: """{"chat":"b:a","text":"hi","sender":"c"}"""));

        Assert.Equal("sender must be one of the two members of chat, \"a\" or \"b\".", error?.Detail);
    }

    [Fact]
    public async Task The_longest_text_is_a_setting()
    {
        var body = """{"chat":"a:b","text":"123456","sender":"a"}""";

        var (_, error) = await BindSendAsync(Create("POST", body: body), maxTextLength: 5);

        Assert.Equal("text must be at most 5 characters.", error?.Detail);
    }

    [Fact]
    public async Task Without_an_idempotency_key_the_server_makes_a_fresh_one_per_request()
    {
        var (first, _) = await BindSendAsync(Create("POST", body: ValidJson));
        var (second, _) = await BindSendAsync(Create("POST", body: ValidJson));

        Assert.False(first!.ClientSuppliedKey);
        Assert.Matches("^[0-9a-f]{32}$", first.IdempotencyKey);
        Assert.NotEqual(first.IdempotencyKey, second!.IdempotencyKey);
    }

    [Theory]
    [InlineData("a")]
    [InlineData("retry 1 of order #42: {x}")]
    [InlineData("0123456789012345678901234567890123456789012345678901234567890123"
        + "0123456789012345678901234567890123456789012345678901234567890123")]
    public async Task A_client_idempotency_key_is_passed_on_as_given(string key)
    {
        var context = Create("POST", body: ValidJson);
        context.Request.Headers[SendInput.IdempotencyKeyHeader] = key;

        var (input, error) = await BindSendAsync(context);

        Assert.Null(error);
        Assert.True(input!.ClientSuppliedKey);
        Assert.Equal(key, input.IdempotencyKey);
    }

    [Theory]
    [InlineData("")]
    [InlineData("clé")]
    [InlineData("tab\tkey")]
    [InlineData("01234567890123456789012345678901234567890123456789012345678901234"
        + "0123456789012345678901234567890123456789012345678901234567890123")]
    public async Task A_malformed_idempotency_key_is_refused_naming_the_header(string key)
    {
        var context = Create("POST", body: ValidJson);
        context.Request.Headers[SendInput.IdempotencyKeyHeader] = key;

        var (_, error) = await BindSendAsync(context);

        Assert.Equal("Idempotency-Key", error?.Field);
        Assert.Equal("Idempotency-Key must be 1 to 128 printable ASCII characters.", error!.Detail);
    }

    [Fact]
    public async Task An_idempotency_key_given_twice_is_refused()
    {
        var context = Create("POST", body: ValidJson);
        context.Request.Headers[SendInput.IdempotencyKeyHeader] = new StringValues(["one", "two"]);

        var (_, error) = await BindSendAsync(context);

        Assert.Equal("Idempotency-Key", error?.Field);
        Assert.Equal("Idempotency-Key must be given once.", error!.Detail);
    }
}

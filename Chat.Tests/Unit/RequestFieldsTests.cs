extern alias HttpServer;

using HttpServer::Chat.HttpServer.Api;
using static Chat.Tests.Unit.TestRequests;

namespace Chat.Tests.Unit;

public sealed class RequestFieldsTests
{
    [Theory]
    [InlineData("""{"chat": "a:b" """)]
    [InlineData("""{"chat": 'a:b'}""")]
    [InlineData("""{chat: "a:b"}""")]
    [InlineData("""{"chat": "a:b",}""")]
    [InlineData("   ")]
    [InlineData("""{"a":{"b":{"c":{"d":{"e":{"f":{"g":{"h":{"i":{}}}}}}}}}}""")]
    public async Task Malformed_json_is_refused_naming_the_body(string body)
    {
        var (_, error) = await BindPullAsync(Create(body: body));

        Assert.Equal("body", error?.Field);
        Assert.StartsWith("the body is not valid JSON", error!.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""["a:b"]""", "an array")]
    [InlineData("\"a:b\"", "a string")]
    [InlineData("42", "a number")]
    [InlineData("true", "a boolean")]
    [InlineData("null", "null")]
    public async Task A_json_body_that_is_not_an_object_is_refused(string body, string what)
    {
        var (_, error) = await BindPullAsync(Create(body: body));

        Assert.Equal("body", error?.Field);
        Assert.Equal($"the body must be a JSON object, not {what}.", error!.Detail);
    }

    [Fact]
    public async Task A_json_property_name_escaping_half_a_surrogate_pair_is_refused_naming_the_body()
    {
        var (_, error) = await BindPullAsync(Create(body: """{"chat":"a:b","\ud800":1}"""));

        Assert.Equal("body", error?.Field);
        Assert.Equal("the body has a property name that is not valid Unicode.", error!.Detail);
    }

    [Fact]
    public async Task A_json_string_escaping_half_a_surrogate_pair_is_refused_naming_the_field()
    {
        var (_, error) = await BindSendAsync(Create(body: """{"chat":"a:b","sender":"a","text":"\ud83d!"}"""));

        Assert.Equal("text", error?.Field);
        Assert.Equal("text is not valid Unicode.", error!.Detail);
    }

    [Theory]
    [InlineData("application/json; charset=utf-8")]
    [InlineData("application/problem+json")]
    [InlineData("APPLICATION/JSON")]
    [InlineData(null)]
    public async Task Json_media_types_and_a_body_without_a_type_are_read_as_json(string? contentType)
    {
        var (input, error) = await BindPullAsync(Create(body: """{"chat":"a:b"}""", contentType: contentType));

        Assert.Null(error);
        Assert.Equal("a:b", input!.Chat);
    }

    [Theory]
    [InlineData("text/plain")]
    [InlineData("application/xml")]
    public async Task A_body_of_another_type_is_refused_naming_the_body(string contentType)
    {
        var (_, error) = await BindPullAsync(Create(body: "chat=a:b", contentType: contentType));

        Assert.Equal("body", error?.Field);
        Assert.Contains(contentType, error!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_multipart_form_is_read_like_any_form()
    {
        using var form = new MultipartFormDataContent
        {
            { new StringContent("bob:alice"), "chat" },
            { new StringContent("hi from a form"), "text" },
            { new StringContent("bob"), "sender" },
        };
        var context = Create("POST");
        context.Request.Body = await form.ReadAsStreamAsync(TestContext.Current.CancellationToken);
        context.Request.ContentLength = form.Headers.ContentLength;
        context.Request.ContentType = form.Headers.ContentType!.ToString();

        var (input, error) = await BindSendAsync(context);

        Assert.Null(error);
        Assert.Equal(("bob:alice", "hi from a form", "bob"), (input!.Chat, input.Text, input.Sender));
    }

    [Fact]
    public async Task A_field_repeated_in_the_query_string_is_refused_naming_it()
    {
        var (_, error) = await BindPullAsync(Create(query: "?chat=a:b&limit=1&limit=2"));

        Assert.Equal("limit", error?.Field);
        Assert.Equal("limit is given 2 times in the query string.", error!.Detail);
    }

    [Fact]
    public async Task A_field_repeated_in_a_form_body_is_refused_naming_it()
    {
        var (_, error) = await BindPullAsync(Create(body: "chat=a:b&chat=c:d", contentType: FormType));

        Assert.Equal("chat", error?.Field);
        Assert.Equal("chat is given 2 times in the form body.", error!.Detail);
    }

    [Fact]
    public async Task A_field_in_both_the_query_string_and_the_body_is_not_a_repetition()
    {
        var context = Create(query: "?chat=x:y&limit=1", body: """{"limit":2,"chat":"a:b"}""");

        var (input, error) = await BindPullAsync(context);

        Assert.Null(error);
        Assert.Equal(("a:b", 2), (input!.Chat, input.Limit));
    }

    [Fact]
    public async Task Fields_the_api_does_not_know_are_ignored()
    {
        var body = """{"chat":"a:b","extra":{"nested":[1,2,3]},"Chat":"ignored:too"}""";

        var (input, error) = await BindPullAsync(Create(body: body));

        Assert.Null(error);
        Assert.Equal("a:b", input!.Chat);
    }

    [Fact]
    public async Task A_request_without_a_body_reads_the_query_string_alone()
    {
        var (fields, error) = await RequestFields.ReadAsync(
            Create("GET", query: "?chat=a:b", body: null).Request, TestContext.Current.CancellationToken);

        Assert.Null(error);
        Assert.Null(fields!.GetString("chat", out var chat));
        Assert.Equal("a:b", chat);
    }

    [Fact]
    public async Task Numbers_and_flags_read_from_a_field_that_is_absent_keep_their_defaults()
    {
        var request = Create(body: "{}").Request;

        var (fields, _) = await RequestFields.ReadAsync(request, TestContext.Current.CancellationToken);

        Assert.Null(fields!.GetInt64("cursor", 17, out var cursor));
        Assert.Null(fields.GetBoolean("reverse", true, out var reverse));
        Assert.Equal((17L, true), (cursor, reverse));
        Assert.Equal("chat is required.", fields.GetString("chat", out _)?.Detail);
    }
}

extern alias HttpServer;

using HttpServer::Chat.HttpServer.Api;
using static Chat.Tests.Unit.TestRequests;

namespace Chat.Tests.Unit;

public sealed class PullInputTests
{
    [Fact]
    public async Task Fields_come_from_the_query_string()
    {
        var (input, error) = await BindPullAsync(Create(query: "?chat=alice:bob&cursor=5&limit=20&reverse=true"));

        Assert.Null(error);
        Assert.Equal(new PullInput("alice:bob", 5, 20, true), input);
    }

    [Fact]
    public async Task Absent_fields_take_their_defaults()
    {
        var (input, error) = await BindPullAsync(Create(query: "?chat=alice:bob"));

        Assert.Null(error);
        Assert.Equal(new PullInput("alice:bob", 0, 10, false), input);
    }

    [Fact]
    public async Task Fields_come_from_a_json_body_on_get()
    {
        var context = Create("GET", body: """{"chat":"alice:bob","cursor":5,"limit":3,"reverse":true}""");

        var (input, error) = await BindPullAsync(context);

        Assert.Null(error);
        Assert.Equal(new PullInput("alice:bob", 5, 3, true), input);
    }

    [Fact]
    public async Task Fields_come_from_a_form_body()
    {
        var context = Create(body: "chat=alice%3Abob&cursor=5&limit=3&reverse=1", contentType: FormType);

        var (input, error) = await BindPullAsync(context);

        Assert.Null(error);
        Assert.Equal(new PullInput("alice:bob", 5, 3, true), input);
    }

    [Fact]
    public async Task A_json_body_wins_over_the_query_string_field_by_field()
    {
        var context = Create(
            query: "?chat=x:y&limit=5&reverse=false", body: """{"chat":"alice:bob","reverse":true}""");

        var (input, error) = await BindPullAsync(context);

        Assert.Null(error);
        Assert.Equal(new PullInput("alice:bob", 0, 5, true), input);
    }

    [Fact]
    public async Task A_form_body_wins_over_the_query_string_field_by_field()
    {
        var context = Create(
            query: "?chat=x:y&limit=5&cursor=9", body: "chat=alice:bob&limit=7", contentType: FormType);

        var (input, error) = await BindPullAsync(context);

        Assert.Null(error);
        Assert.Equal(new PullInput("alice:bob", 9, 7, false), input);
    }

    [Fact]
    public async Task Null_in_json_means_the_default_of_an_optional_field()
    {
        var context = Create(body: """{"chat":"alice:bob","cursor":null,"limit":null,"reverse":null}""");

        var (input, error) = await BindPullAsync(context);

        Assert.Null(error);
        Assert.Equal(new PullInput("alice:bob", 0, 10, false), input);
    }

    [Theory]
    [InlineData("""{"chat":5}""", "chat", "chat must be a JSON string, not a number.")]
    [InlineData("""{"chat":["alice:bob"]}""", "chat", "chat must be a JSON string, not an array.")]
    [InlineData("""{"chat":"a:b","cursor":"5"}""", "cursor", "cursor must be a JSON number, not a string.")]
    [InlineData("""{"chat":"a:b","cursor":{}}""", "cursor", "cursor must be a JSON number, not an object.")]
    [InlineData("""{"chat":"a:b","limit":true}""", "limit", "limit must be a JSON number, not a boolean.")]
    [InlineData("""{"chat":"a:b","limit":1.5}""", "limit", "limit must be an integer that fits in 64 bits.")]
    [InlineData("""{"chat":"a:b","limit":1e2}""", "limit", "limit must be an integer that fits in 64 bits.")]
    [InlineData("""{"chat":"a:b","reverse":"true"}""", "reverse", "reverse must be a JSON boolean, not a string.")]
    [InlineData("""{"chat":"a:b","reverse":1}""", "reverse", "reverse must be a JSON boolean, not a number.")]
    public async Task A_wrong_json_type_is_refused_naming_the_field(string json, string field, string detail)
    {
        var (_, error) = await BindPullAsync(Create(body: json));

        Assert.Equal(field, error?.Field);
        Assert.Equal(detail, error!.Detail);
    }

    [Fact]
    public async Task Empty_optional_values_in_the_query_string_mean_their_defaults()
    {
        var (input, error) = await BindPullAsync(Create(query: "?chat=a:b&cursor=&limit=&reverse="));

        Assert.Null(error);
        Assert.Equal(new PullInput("a:b", 0, 10, false), input);
    }

    [Theory]
    [InlineData("?chat=a:b&cursor=9223372036854775807", 9_223_372_036_854_775_807L, 10)]
    [InlineData("?chat=a:b&limit=9223372036854775807", 0L, 100)]
    [InlineData("?chat=a:b&limit=101", 0L, 100)]
    [InlineData("?chat=a:b&limit=%2B7", 0L, 7)]
    public async Task Numbers_up_to_64_bits_are_taken_and_a_large_limit_is_clamped(
        string query, long cursor, int limit)
    {
        var (input, error) = await BindPullAsync(Create(query: query));

        Assert.Null(error);
        Assert.Equal((cursor, limit), (input!.Cursor, input.Limit));
    }

    [Theory]
    [InlineData("?chat=a:b&cursor=9223372036854775808", null, "cursor")]
    [InlineData("?chat=a:b&limit=99999999999999999999", null, "limit")]
    [InlineData("?chat=a:b&cursor=1e3", null, "cursor")]
    [InlineData("?chat=a:b&cursor=five", null, "cursor")]
    [InlineData("", """{"chat":"a:b","cursor":9223372036854775808}""", "cursor")]
    [InlineData("", """{"chat":"a:b","limit":-99999999999999999999}""", "limit")]
    public async Task A_number_beyond_64_bits_or_not_an_integer_is_refused(string query, string? body, string field)
    {
        var (_, error) = await BindPullAsync(Create(query: query, body: body));

        Assert.Equal(field, error?.Field);
    }

    [Fact]
    public async Task The_largest_page_is_a_setting()
    {
        var (input, _) = await BindPullAsync(Create(query: "?chat=a:b&limit=80"), maxLimit: 50);

        Assert.Equal(50, input!.Limit);
    }

    [Theory]
    [InlineData("?chat=a:b&cursor=-1", null, "cursor")]
    [InlineData("?chat=a:b&limit=-1", null, "limit")]
    [InlineData("", """{"chat":"a:b","cursor":-5}""", "cursor")]
    [InlineData("", """{"chat":"a:b","limit":-5}""", "limit")]
    public async Task A_negative_cursor_or_limit_is_refused(string query, string? body, string field)
    {
        var (_, error) = await BindPullAsync(Create(query: query, body: body));

        Assert.Equal(field, error?.Field);
    }

    [Theory]
    [InlineData("true", true)]
    [InlineData("True", true)]
    [InlineData("TRUE", true)]
    [InlineData("t", true)]
    [InlineData("T", true)]
    [InlineData("1", true)]
    [InlineData("false", false)]
    [InlineData("False", false)]
    [InlineData("f", false)]
    [InlineData("F", false)]
    [InlineData("0", false)]
    public async Task Reverse_accepts_the_spellings_of_the_original_clients(string spelling, bool reverse)
    {
        var (fromQuery, _) = await BindPullAsync(Create(query: $"?chat=a:b&reverse={spelling}"));
        var (fromForm, _) = await BindPullAsync(Create(body: $"chat=a:b&reverse={spelling}", contentType: FormType));

        Assert.Equal(reverse, fromQuery!.Reverse);
        Assert.Equal(reverse, fromForm!.Reverse);
    }

    [Theory]
    [InlineData("yes")]
    [InlineData("on")]
    [InlineData("2")]
    [InlineData("tru")]
    public async Task Other_spellings_of_reverse_are_refused(string spelling)
    {
        var (_, error) = await BindPullAsync(Create(query: $"?chat=a:b&reverse={spelling}"));

        Assert.Equal("reverse", error?.Field);
        Assert.Equal("reverse must be true or false.", error!.Detail);
    }

    [Theory]
    [InlineData("", null)]
    [InlineData("?chat=", null)]
    [InlineData("", """{"chat":null}""")]
    [InlineData("", """{"cursor":0}""")]
    public async Task A_missing_chat_is_refused(string query, string? body)
    {
        var (_, error) = await BindPullAsync(Create(query: query, body: body));

        Assert.Equal("chat", error?.Field);
        Assert.Contains("chat is required", error!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_malformed_chat_is_refused_before_anything_else()
    {
        var (_, error) = await BindPullAsync(Create(query: "?chat=alice&limit=-1"));

        Assert.Equal("chat", error?.Field);
    }

    [Fact]
    public async Task A_chat_with_reserved_characters_arrives_percent_decoded_once()
    {
        var (input, error) = await BindPullAsync(Create(query: "?chat=%7Ba%25%7D%3A%F0%9F%98%80%20x"));

        Assert.Null(error);
        Assert.Equal("{a%}:😀 x", input!.Chat);
    }
}

extern alias HttpServer;

using System.Buffers;
using System.Text.Json;
using HttpServer::Chat.HttpServer;
using HttpServer::Chat.HttpServer.Api;

namespace Chat.Tests.Unit;

/// <summary>The answers that write their own JSON write what the serializer would, with the API's own options.
/// </summary>
public sealed class JsonAnswerTests
{
    public static TheoryData<string> Texts =>
    [
        "hello",
        "quotes \" and backslashes \\ and a slash /",
        "control characters \n \t \u0001 and \u007f",
        "HTML <b>&amp;</b> and 'apostrophes'",
        "non-ASCII: héllo, привет, 你好, 🙂",
        "a lone surrogate \ud800 in a string",
        "",
    ];

    [Theory]
    [MemberData(nameof(Texts))]
    public void A_message_is_written_as_the_serializer_writes_it(string text)
    {
        var message = new MessageResponse("alice:bob", text, "bob", 1_796_406_426_252_918);

        Assert.Equal(Serialized(message), Written(message));
    }

    [Theory]
    [MemberData(nameof(Texts))]
    public void A_page_is_written_as_the_serializer_writes_it(string text)
    {
        var page = new PullResponse(
            [new MessageResponse("a:b", text, "a", 1), new MessageResponse("a:b", text + text, "b", long.MaxValue)],
            HasMore: true,
            NextCursor: 1_796_406_426_252_919);
        var empty = new PullResponse([], HasMore: false, NextCursor: 0);

        Assert.Equal(Serialized(page), Written(page));
        Assert.Equal(Serialized(empty), Written(empty));
    }

    private static JsonSerializerOptions ApiOptions()
    {
        var json = new Microsoft.AspNetCore.Http.Json.JsonOptions();
        ChatApiExtensions.ConfigureJson(json);
        return json.SerializerOptions;
    }

    private static string Serialized<T>(T value) => JsonSerializer.Serialize(value, ApiOptions());

    private static string Written(IJsonAnswer answer)
    {
        var options = ApiOptions();
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, new JsonWriterOptions { Encoder = options.Encoder }))
        {
            answer.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}

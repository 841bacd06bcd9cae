using System.Text.Json;
using System.Text.Json.Serialization;

namespace Chat.HttpServer.Api;

public sealed record PongResponse(string Message);

/// <summary>One message as the contract writes it. It writes its own JSON (<see cref="IJsonAnswer"/>).</summary>
public sealed record MessageResponse(string Chat, string Text, string Sender, long SendTime) : IJsonAnswer
{
    private static readonly JsonEncodedText ChatName = JsonEncodedText.Encode("chat");
    private static readonly JsonEncodedText TextName = JsonEncodedText.Encode("text");
    private static readonly JsonEncodedText SenderName = JsonEncodedText.Encode("sender");
    private static readonly JsonEncodedText SendTimeName = JsonEncodedText.Encode("send_time");

    void IJsonAnswer.WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString(ChatName, Chat);
        writer.WriteString(TextName, Text);
        writer.WriteString(SenderName, Sender);
        writer.WriteNumber(SendTimeName, SendTime);
        writer.WriteEndObject();
    }
}

/// <summary>One page of a pull as the contract writes it. It writes its own JSON (<see cref="IJsonAnswer"/>).
/// </summary>
public sealed record PullResponse(IReadOnlyList<MessageResponse> Messages, bool HasMore, long NextCursor) : IJsonAnswer
{
    private static readonly JsonEncodedText MessagesName = JsonEncodedText.Encode("messages");
    private static readonly JsonEncodedText HasMoreName = JsonEncodedText.Encode("has_more");
    private static readonly JsonEncodedText NextCursorName = JsonEncodedText.Encode("next_cursor");

    void IJsonAnswer.WriteTo(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteStartArray(MessagesName);
        foreach (IJsonAnswer message in Messages)
        {
            message.WriteTo(writer);
        }

        writer.WriteEndArray();
        writer.WriteBoolean(HasMoreName, HasMore);
        writer.WriteNumber(NextCursorName, NextCursor);
        writer.WriteEndObject();
    }
}

/// <summary>
/// An answer that writes its own JSON, the same bytes as the serializer would with the API's options (a unit test
/// compares them), but without the serializer's general machinery: for a page of ten messages that machinery cost
/// the HTTP server more than writing the JSON itself (docs/benchmark.md). The writer's encoder still decides what
/// is escaped.
/// </summary>
public interface IJsonAnswer
{
    void WriteTo(Utf8JsonWriter writer);
}

/// <summary>Every type the API writes, serialized without reflection, with the contract's snake_case names.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(PongResponse))]
[JsonSerializable(typeof(MessageResponse))]
[JsonSerializable(typeof(PullResponse))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;

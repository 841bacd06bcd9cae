using System.Text.Json.Serialization;

namespace Chat.HttpServer.Api;

public sealed record PongResponse(string Message);

public sealed record MessageResponse(string Chat, string Text, string Sender, long SendTime);

public sealed record PullResponse(IReadOnlyList<MessageResponse> Messages, bool HasMore, long NextCursor);

/// <summary>Every type the API writes, serialized without reflection, with the contract's snake_case names.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower)]
[JsonSerializable(typeof(PongResponse))]
[JsonSerializable(typeof(MessageResponse))]
[JsonSerializable(typeof(PullResponse))]
internal sealed partial class ApiJsonContext : JsonSerializerContext;

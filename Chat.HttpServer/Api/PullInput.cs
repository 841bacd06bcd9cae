using Chat.Contract;

namespace Chat.HttpServer.Api;

/// <summary>A pull that passed every check of the contract; <see cref="Limit"/> is defaulted and clamped.</summary>
internal sealed record PullInput(string Chat, long Cursor, int Limit, bool Reverse)
{
    public static FieldError? TryBind(RequestFields fields, int maxLimit, out PullInput? input)
    {
        input = null;
        if (fields.GetString("chat", out var chat) is { } chatError)
        {
            return chatError;
        }

        if (!ConversationName.TryParse(chat, out _, out var nameError))
        {
            return nameError;
        }

        if ((fields.GetInt64("cursor", 0, out var cursor) ?? PageRules.CheckCursor(cursor)) is { } cursorError)
        {
            return cursorError;
        }

        if (fields.GetInt64("limit", 0, out var requestedLimit) is { } limitTypeError)
        {
            return limitTypeError;
        }

        if (PageRules.TryResolveLimit(requestedLimit, maxLimit, out var limit) is { } limitError)
        {
            return limitError;
        }

        if (fields.GetBoolean("reverse", false, out var reverse) is { } reverseError)
        {
            return reverseError;
        }

        input = new PullInput(chat, cursor, limit, reverse);
        return null;
    }
}

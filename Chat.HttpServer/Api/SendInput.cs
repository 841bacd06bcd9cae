using Chat.Contract;

namespace Chat.HttpServer.Api;

/// <summary>A send that passed every check of the contract, ready for the RPC server.</summary>
internal sealed record SendInput(
    string Chat, string Text, string Sender, string IdempotencyKey, bool ClientSuppliedKey)
{
    public const string IdempotencyKeyHeader = "Idempotency-Key";

    public static FieldError? TryBind(
        RequestFields fields, IHeaderDictionary headers, int maxTextLength, out SendInput? input)
    {
        input = null;
        if (fields.GetString("chat", out var chat) is { } chatError)
        {
            return chatError;
        }

        if (!ConversationName.TryParse(chat, out var conversation, out var nameError))
        {
            return nameError;
        }

        if (fields.GetString("sender", out var sender) is { } senderError)
        {
            return senderError;
        }

        if (conversation.IndexOf(sender) < 0)
        {
            return new FieldError("sender", $"sender must be one of the two members of chat, \"{conversation.First}\" "
                + $"or \"{conversation.Second}\".");
        }

        if (fields.GetString("text", out var text) is { } textMissing)
        {
            return textMissing;
        }

        if (TextRules.CheckMessageText(text, maxTextLength) is { } textError)
        {
            return textError;
        }

        var keys = headers[IdempotencyKeyHeader];
        if (keys.Count > 1)
        {
            return new FieldError(IdempotencyKeyHeader, "Idempotency-Key must be given once.");
        }

        if (keys.Count == 1 && TextRules.CheckIdempotencyKey(keys[0]) is { } keyError)
        {
            return keyError;
        }

        // Without a client key the server makes one, so that its own retries of the internal call store once.
        input = keys.Count == 1
            ? new SendInput(chat, text, sender, keys[0]!, ClientSuppliedKey: true)
            : new SendInput(chat, text, sender, RequestKeys.Next(), ClientSuppliedKey: false);
        return null;
    }
}

using System.Globalization;
using Chat.Contract;

namespace Chat.HttpServer.Api;

/// <summary>
/// A subscription that passed every check: stream the messages after <see cref="AfterSendTime"/>, or only new ones
/// when <see cref="OnlyNew"/>. A Last-Event-ID header (a reconnecting EventSource) wins over the cursor.
/// </summary>
internal sealed record SubscribeInput(string Chat, long AfterSendTime, bool OnlyNew)
{
    public const string LastEventIdField = "Last-Event-ID";

    public static FieldError? TryBind(RequestFields fields, IHeaderDictionary headers, out SubscribeInput? input)
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

        var lastEventId = headers[LastEventIdField].ToString();
        if (lastEventId.Length > 0)
        {
            if (!long.TryParse(lastEventId, NumberStyles.None, CultureInfo.InvariantCulture, out var after))
            {
                return new FieldError(
                    LastEventIdField, $"{LastEventIdField} must be a send_time sent as an event id.");
            }

            input = new SubscribeInput(chat, after, OnlyNew: false);
            return null;
        }

        // The cursor is inclusive; send_time is always positive, so cursor 0 means the whole conversation.
        input = fields.Has("cursor")
            ? new SubscribeInput(chat, Math.Max(0, cursor - 1), OnlyNew: false)
            : new SubscribeInput(chat, 0, OnlyNew: true);
        return null;
    }
}

using Chat.Contract;

namespace Chat.Tests.Store;

/// <summary>Conversations that no other test touches, so that tests may share a server.</summary>
internal static class TestConversations
{
    /// <summary>A fresh conversation between two members named after <paramref name="first"/> and
    /// <paramref name="second"/>.</summary>
    public static ConversationName New(string first = "alice", string second = "bob")
    {
        var token = Token();
        return Parse($"{first}-{token}:{second}-{token}");
    }

    /// <summary>Each member of <paramref name="chat"/> with <paramref name="token"/> appended, so that names whose
    /// syntax is the point of a test keep it while staying unique to the test.</summary>
    public static ConversationName Mark(string chat, string token)
    {
        var separator = chat.IndexOf(ConversationName.Separator);
        return Parse($"{chat[..separator]}{token}:{chat[(separator + 1)..]}{token}");
    }

    public static ConversationName Parse(string chat)
    {
        Assert.True(ConversationName.TryParse(chat, out var name, out var error), error?.ToString());
        return name;
    }

    public static string Token() => Guid.NewGuid().ToString("N")[..10];
}

using Chat.Contract;
using Chat.RpcServer.Storage;
using StackExchange.Redis;

namespace Chat.Tests.Unit;

public sealed class ConversationKeysTests
{
    public static readonly TheoryData<string> Names =
    [
        "alice:bob", "alice:alice", "{a}:{b}", "a{b}:c", "}{:{}", "*:?", "a b:c d",
        "Ünïcødé:日本語", "😀:🎉",
        string.Concat(Enumerable.Repeat("😀", 64)) + ":" + new string('}', 64),
    ];

    [Theory]
    [MemberData(nameof(Names))]
    public void Every_key_of_a_conversation_carries_one_hash_tag(string chat)
    {
        var keys = new ConversationKeys(Parse(chat));

        var tag = HashTag(keys.Messages);
        Assert.Equal(tag, HashTag(keys.SentWithKey("plain")));
        Assert.Equal(tag, HashTag(keys.SentWithKey("{other}")));
        Assert.Equal(tag, HashTag(keys.SentWithKey("}{*:")));
    }

    [Theory]
    [MemberData(nameof(Names))]
    public void The_hash_tag_holds_no_brace_star_or_colon(string chat)
    {
        var tag = HashTag(new ConversationKeys(Parse(chat)).Messages);

        Assert.NotEmpty(tag);
        Assert.DoesNotContain(tag, c => c is '{' or '}' or '*' or ':');
    }

    [Fact]
    public void Both_spellings_of_a_conversation_have_the_same_keys()
    {
        var forward = new ConversationKeys(Parse("alice:bob"));
        var backward = new ConversationKeys(Parse("bob:alice"));

        Assert.Equal(forward.Messages, backward.Messages);
        Assert.Equal(forward.SentWithKey("k"), backward.SentWithKey("k"));
    }

    [Fact]
    public void Names_that_differ_give_different_keys()
    {
        string[] chats =
        [
            "a{b}:c", "a:{b}c", "a%7Bb%7D:c", "a b:c", "a:b c", "Alice:bob", "alice:bob", "caf\u00E9:x",
            "cafe\u0301:x", "a:b", "a :b", "{x}:y", "{x}:z", "a*:b", "a?:b",
        ];

        var keys = chats.Select(chat => new ConversationKeys(Parse(chat))).ToList();

        Assert.Equal(chats.Length, keys.Select(key => HashTag(key.Messages)).Distinct().Count());
        Assert.Equal(chats.Length, keys.Select(key => key.Messages.ToString()).Distinct().Count());
    }

    [Fact]
    public void An_idempotency_key_is_kept_apart_from_the_messages_key()
    {
        var keys = new ConversationKeys(Parse("alice:bob"));

        Assert.NotEqual(keys.Messages, keys.SentWithKey("messages"));
        Assert.NotEqual(keys.SentWithKey("a"), keys.SentWithKey("b"));
    }

    /// <summary>What Redis Cluster hashes: the text between the first '{' and the first '}' after it.</summary>
    private static string HashTag(RedisKey key)
    {
        var text = key.ToString();
        var open = text.IndexOf('{');
        var close = open < 0 ? -1 : text.IndexOf('}', open + 1);
        Assert.True(close > open + 1, $"{text} has no hash tag.");
        return text[(open + 1)..close];
    }

    private static ConversationName Parse(string chat)
    {
        Assert.True(ConversationName.TryParse(chat, out var name, out var error), error?.ToString());
        return name;
    }
}

using Chat.Contract;

namespace Chat.Tests.Store;

/// <summary>Conversation names and texts are data: whatever characters they hold come back exactly, and no name
/// reaches the keys of another conversation.</summary>
[Collection(StoreCollection.Name)]
public sealed class NamesAsDataTests(StoreServers servers)
{
    private static readonly string[] NamesWithSyntax =
    [
        "{a}:{b}", "a{b}:c", "}{:{}", "*:?", "[a-z]:\\*", "a b:c d", " : ", "%3A:%7B%7D", "a+b&c=d:#frag",
        "Ünïcødé:日本語", "Zoë:Ζωή", "😀:🎉", "👩‍👩‍👧:family",
        "ab\u200Dc:\u00A0", "self{}:self{}",
    ];

    /// <summary>Pairs that would share keys if a name were pasted into a key as syntax, decoded or normalized.
    /// </summary>
    private static readonly (string, string)[] LookAlikePairs =
    [
        ("a{b}:c", "a:{b}c"),
        ("{x}:y", "{x}:z"),
        ("a*:b", "a?:b"),
        ("a b:c", "a:b c"),
        ("a%7Bb%7D:c", "a{b}:c"),
        ("caf\u00E9:x", "cafe\u0301:x"),
        ("Alice:bob", "alice:bob"),
        ("a:b", "a :b"),
    ];

    [Theory]
    [InlineData(StoreServerKind.Redis)]
    [InlineData(StoreServerKind.Garnet)]
    public async Task Names_with_redis_and_url_syntax_round_trip_exactly(StoreServerKind kind)
    {
        var store = servers.CreateStore(await servers.GetAsync(kind));
        var token = TestConversations.Token();

        foreach (var chat in NamesWithSyntax)
        {
            var conversation = TestConversations.Mark(chat, token);
            var fromFirst = await store.SendAsync(conversation, 0, $"hi from {conversation.First}", "1", true);
            var fromSecond = await store.SendAsync(conversation, 1, $"hi from {conversation.Second}", "2", true);

            var page = await store.PullAsync(conversation, 0, 10, reverse: false);

            Assert.Equal([fromFirst.Message, fromSecond.Message], page.Messages);
            Assert.All(page.Messages, message => Assert.Equal(conversation.Canonical, message.Chat));
            Assert.Equal(
                [conversation.First, conversation.Second], page.Messages.Select(message => message.Sender));
            Assert.Equal(
                [$"hi from {conversation.First}", $"hi from {conversation.Second}"],
                page.Messages.Select(message => message.Text));
        }
    }

    [Theory]
    [InlineData(StoreServerKind.Redis)]
    [InlineData(StoreServerKind.Garnet)]
    public async Task Names_that_differ_only_in_syntax_do_not_share_messages(StoreServerKind kind)
    {
        var store = servers.CreateStore(await servers.GetAsync(kind));

        foreach (var (left, right) in LookAlikePairs)
        {
            var token = TestConversations.Token();
            var one = TestConversations.Mark(left, token);
            var other = TestConversations.Mark(right, token);
            Assert.NotEqual(one.Canonical, other.Canonical);

            var inOne = await store.SendAsync(one, 0, $"to {left}", "same-key", clientSuppliedKey: true);
            var inOther = await store.SendAsync(other, 0, $"to {right}", "same-key", clientSuppliedKey: true);

            Assert.False(inOther.Replayed, $"\"{right}\" saw the idempotency key of \"{left}\".");
            Assert.Equal([inOne.Message], (await store.PullAsync(one, 0, 10, reverse: false)).Messages);
            Assert.Equal([inOther.Message], (await store.PullAsync(other, 0, 10, reverse: false)).Messages);
        }
    }

    [Theory]
    [InlineData(StoreServerKind.Redis)]
    [InlineData(StoreServerKind.Garnet)]
    public async Task Both_spellings_of_a_conversation_share_its_messages(StoreServerKind kind)
    {
        var store = servers.CreateStore(await servers.GetAsync(kind));
        var token = TestConversations.Token();
        var spelled = TestConversations.Parse($"zed{token}:amy{token}");
        var reversed = TestConversations.Parse($"amy{token}:zed{token}");

        var sent = await store.SendAsync(spelled, spelled.IndexOf($"zed{token}"), "hello", "k", true);
        var page = await store.PullAsync(reversed, 0, 10, reverse: false);

        Assert.Equal([sent.Message], page.Messages);
        Assert.Equal($"amy{token}:zed{token}", sent.Message.Chat);
        Assert.Equal($"zed{token}", sent.Message.Sender);
    }

    [Theory]
    [InlineData(StoreServerKind.Redis)]
    [InlineData(StoreServerKind.Garnet)]
    public async Task Texts_with_separators_line_breaks_and_emoji_round_trip_exactly(StoreServerKind kind)
    {
        var store = servers.CreateStore(await servers.GetAsync(kind));
        var conversation = TestConversations.New();
        string[] texts =
        [
            "0:1:looks like a stored message", ":", "::", "a\nb\r\nc\td", "   ", "{x}*?[y]", "日本語のテキスト",
            "👩‍👩‍👧 😀", "%00 \\0", "\"quoted\" 'single'",
            new string('x', TextRules.DefaultMaxTextLength),
            string.Concat(Enumerable.Repeat("😀", TextRules.DefaultMaxTextLength)),
        ];

        for (var i = 0; i < texts.Length; i++)
        {
            await store.SendAsync(conversation, i % 2, texts[i], $"key-{i}", clientSuppliedKey: true);
        }

        var page = await store.PullAsync(conversation, 0, 100, reverse: false);
        Assert.Equal(texts, page.Messages.Select(message => message.Text));
        Assert.Equal(
            texts.Select((_, i) => conversation.MemberAt(i % 2)), page.Messages.Select(message => message.Sender));
    }
}

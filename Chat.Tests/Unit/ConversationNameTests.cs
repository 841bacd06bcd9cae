using Chat.Contract;

namespace Chat.Tests.Unit;

public sealed class ConversationNameTests
{
    [Fact]
    public void Both_spellings_name_one_conversation_in_ordinal_order()
    {
        var forward = Parse("alice:bob");
        var backward = Parse("bob:alice");

        Assert.Equal(forward, backward);
        Assert.Equal("alice:bob", backward.Canonical);
        Assert.Equal(("alice", "bob"), (backward.First, backward.Second));
    }

    [Theory]
    [InlineData("bob:Alice", "Alice:bob")]
    [InlineData("alice:Zed", "Zed:alice")]
    [InlineData("z:é", "z:é")]
    [InlineData("é:z", "z:é")]
    [InlineData("b:a b", "a b:b")]
    [InlineData("ab:a", "a:ab")]
    public void The_canonical_form_orders_members_by_ordinal_comparison_not_culture(string chat, string canonical)
    {
        Assert.Equal(canonical, Parse(chat).Canonical);
    }

    [Fact]
    public void Names_are_case_sensitive()
    {
        var upper = Parse("Alice:bob");
        var lower = Parse("alice:bob");

        Assert.NotEqual(upper, lower);
        Assert.Equal(-1, upper.IndexOf("alice"));
        Assert.Equal(0, upper.IndexOf("Alice"));
    }

    [Fact]
    public void A_member_may_talk_to_themself()
    {
        var name = Parse("alice:alice");

        Assert.Equal("alice:alice", name.Canonical);
        Assert.Equal(0, name.IndexOf("alice"));
        Assert.Equal("alice", name.MemberAt(1));
    }

    [Fact]
    public void Members_are_found_by_index_and_index_by_member()
    {
        var name = Parse("bob:alice");

        Assert.Equal(0, name.IndexOf("alice"));
        Assert.Equal(1, name.IndexOf("bob"));
        Assert.Equal(-1, name.IndexOf("carol"));
        Assert.Equal(-1, name.IndexOf(""));
        Assert.Equal("alice", name.MemberAt(0));
        Assert.Equal("bob", name.MemberAt(1));
        Assert.Throws<ArgumentOutOfRangeException>(() => name.MemberAt(2));
    }

    [Theory]
    [InlineData("{a}:{b}")]
    [InlineData("a{b}:c")]
    [InlineData("*:?")]
    [InlineData("%3A:%7B%7D")]
    [InlineData("a b:c d")]
    [InlineData(" : ")]
    [InlineData("Ünïcødé:日本語")]
    [InlineData("😀:🎉")]
    [InlineData("👩‍👩‍👧:\u00A0")]
    [InlineData("a/b\\c:\"q\"")]
    public void Any_characters_but_the_separator_and_controls_are_a_valid_name(string chat)
    {
        var name = Parse(chat);

        var separator = chat.IndexOf(':');
        var byCodePoint = Comparer<string>.Create(ConversationName.CompareByCodePoint);
        var members = new[] { chat[..separator], chat[(separator + 1)..] };
        Assert.Equal(members.Order(byCodePoint), [name.First, name.Second]);
    }

    [Fact]
    public void Members_are_ordered_by_code_point_as_clients_comparing_utf8_would_order_them()
    {
        // U+FF21 (fullwidth A) sorts before U+1F600 by code point, but after it in UTF-16 ordinal order.
        var name = Parse("\U0001F600:\uFF21");

        Assert.Equal("\uFF21", name.First);
        Assert.Equal("\U0001F600", name.Second);
    }

    [Theory]
    [InlineData(null, "chat is required")]
    [InlineData("", "chat is required")]
    [InlineData("alice", "exactly one ':'")]
    [InlineData("alice:bob:carol", "exactly one ':'")]
    [InlineData("alice::bob", "exactly one ':'")]
    [InlineData(":bob", "the first member of chat is empty")]
    [InlineData("alice:", "the second member of chat is empty")]
    [InlineData(":", "the first member of chat is empty")]
    [InlineData("al\u0000ice:bob", "first member of chat contains a control character")]
    [InlineData("alice:b\tob", "second member of chat contains a control character")]
    [InlineData("alice\n:bob", "first member of chat contains a control character")]
    [InlineData("alice:bob\u007F", "second member of chat contains a control character")]
    [InlineData("alice:\u0085bob", "second member of chat contains a control character")]
    public void Malformed_names_are_refused_naming_the_chat_field(string? chat, string expected)
    {
        Assert.False(ConversationName.TryParse(chat, out _, out var error));

        Assert.Equal("chat", error.Field);
        Assert.Contains(expected, error.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf16_is_refused()
    {
        // Built in code: attribute arguments are stored as UTF-8, which cannot carry a lone surrogate.
        string[] invalid = ["\uD83D:bob", "alice:\uDE00", "alice:b\uDE00\uD83Dob", "ali\uD83Dce:bob"];

        foreach (var chat in invalid)
        {
            Assert.False(ConversationName.TryParse(chat, out _, out var error));
            Assert.Equal("chat", error.Field);
            Assert.Contains("is not valid Unicode", error.Detail, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("a", 64, true)]
    [InlineData("a", 65, false)]
    [InlineData("😀", 64, true)]
    [InlineData("😀", 65, false)]
    [InlineData("é", 64, true)]
    [InlineData("e\u0301", 32, true)]
    [InlineData("e\u0301", 33, false)]
    public void A_member_is_at_most_64_unicode_characters(string unit, int repeat, bool accepted)
    {
        var member = string.Concat(Enumerable.Repeat(unit, repeat));

        Assert.Equal(accepted, ConversationName.TryParse($"{member}:bob", out _, out var first));
        Assert.Equal(accepted, ConversationName.TryParse($"bob:{member}", out _, out var second));
        if (!accepted)
        {
            Assert.Contains("longer than 64 characters", first!.Detail, StringComparison.Ordinal);
            Assert.Contains("second member", second!.Detail, StringComparison.Ordinal);
        }
    }

    private static ConversationName Parse(string chat)
    {
        Assert.True(ConversationName.TryParse(chat, out var name, out var error), error?.ToString());
        return name;
    }
}

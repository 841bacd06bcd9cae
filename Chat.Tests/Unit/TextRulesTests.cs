using Chat.Contract;

namespace Chat.Tests.Unit;

public sealed class TextRulesTests
{
    private const int Max = TextRules.DefaultMaxTextLength;

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    public void A_missing_or_empty_text_is_refused(string? text)
    {
        var error = TextRules.CheckMessageText(text, Max);

        Assert.Equal("text", error?.Field);
        Assert.Contains("must not be empty", error!.Detail, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("x", Max, true)]
    [InlineData("x", Max + 1, false)]
    [InlineData("😀", Max, true)]
    [InlineData("😀", Max + 1, false)]
    [InlineData("日", Max, true)]
    [InlineData("x", 2 * Max + 1, false)]
    public void Text_is_at_most_the_limit_counted_in_unicode_characters(string unit, int repeat, bool accepted)
    {
        var error = TextRules.CheckMessageText(string.Concat(Enumerable.Repeat(unit, repeat)), Max);

        Assert.Equal(accepted, error is null);
        if (!accepted)
        {
            Assert.Equal(new FieldError("text", $"text must be at most {Max} characters."), error);
        }
    }

    [Fact]
    public void The_limit_is_a_setting()
    {
        Assert.Null(TextRules.CheckMessageText("12345", 5));
        Assert.Equal("text must be at most 5 characters.", TextRules.CheckMessageText("123456", 5)?.Detail);
    }

    [Theory]
    [InlineData("tab\there")]
    [InlineData("line\nbreak")]
    [InlineData("windows\r\nbreak")]
    [InlineData("   ")]
    [InlineData("{x}*:%")]
    [InlineData("👩‍👩‍👧 zero\u200Bwidth")]
    public void Tab_line_breaks_and_any_printable_text_are_allowed(string text)
    {
        Assert.Null(TextRules.CheckMessageText(text, Max));
    }

    [Theory]
    [InlineData("nul\u0000")]
    [InlineData("bell\u0007")]
    [InlineData("escape\u001B[31m")]
    [InlineData("delete\u007F")]
    [InlineData("next line\u0085")]
    public void Other_control_characters_are_refused(string text)
    {
        var error = TextRules.CheckMessageText(text, Max);

        Assert.Equal("text", error?.Field);
        Assert.Contains("control character", error!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void Invalid_utf16_text_is_refused()
    {
        // Built in code: attribute arguments are stored as UTF-8, which cannot carry a lone surrogate.
        string[] invalid = ["\uD83D", "a\uDE00b", "\uDE00\uD83D", "ok 😀 then \uD83D"];

        foreach (var text in invalid)
        {
            Assert.Equal(new FieldError("text", "text is not valid Unicode."), TextRules.CheckMessageText(text, Max));
        }
    }

    [Theory]
    [InlineData("a")]
    [InlineData("0f8fad5b-d9cb-469f-a165-70867728950e")]
    [InlineData("with space and ~!@#$%^&*(){}[]:;\"'<>,.?/|\\")]
    public void An_idempotency_key_of_printable_ascii_is_accepted(string key)
    {
        Assert.Null(TextRules.CheckIdempotencyKey(key));
        Assert.Null(TextRules.CheckIdempotencyKey(new string('k', TextRules.MaxIdempotencyKeyLength)));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("tab\tkey")]
    [InlineData("new\nline")]
    [InlineData("delete\u007F")]
    [InlineData("clé")]
    [InlineData("ключ")]
    [InlineData("😀")]
    public void An_idempotency_key_that_is_empty_or_not_printable_ascii_is_refused(string? key)
    {
        var error = TextRules.CheckIdempotencyKey(key);

        Assert.Equal("Idempotency-Key", error?.Field);
        Assert.Contains("1 to 128 printable ASCII characters", error!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public void An_idempotency_key_longer_than_128_characters_is_refused()
    {
        Assert.NotNull(TextRules.CheckIdempotencyKey(new string('k', TextRules.MaxIdempotencyKeyLength + 1)));
    }
}

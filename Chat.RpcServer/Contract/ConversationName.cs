using System.Diagnostics.CodeAnalysis;
using System.Text;

namespace Chat.Contract;

/// <summary>
/// A conversation between two members, named "alice:bob". "bob:alice" names the same conversation;
/// <see cref="Canonical"/> is the one spelling that is stored and returned (members in code point order).
/// </summary>
internal readonly record struct ConversationName
{
    public const int MaxMemberLength = 64;
    public const char Separator = ':';

    private ConversationName(string first, string second)
    {
        First = first;
        Second = second;
    }

    /// <summary>The member that sorts first by code point (see <see cref="CompareByCodePoint"/>).</summary>
    public string First { get; }

    public string Second { get; }

    public string Canonical => string.Concat(First, ":", Second);

    /// <summary>0 for <see cref="First"/>, 1 for <see cref="Second"/>, -1 for anyone else.</summary>
    public int IndexOf(string member) =>
        string.Equals(member, First, StringComparison.Ordinal) ? 0
        : string.Equals(member, Second, StringComparison.Ordinal) ? 1
        : -1;

    public string MemberAt(int index) => index switch
    {
        0 => First,
        1 => Second,
        _ => throw new ArgumentOutOfRangeException(nameof(index), index, "A conversation has two members."),
    };

    public override string ToString() => Canonical;

    public static bool TryParse(
        string? value, out ConversationName name, [NotNullWhen(false)] out FieldError? error)
    {
        name = default;
        error = null;

        if (string.IsNullOrEmpty(value))
        {
            error = new FieldError("chat", "chat is required: two member names joined by ':', e.g. \"alice:bob\".");
            return false;
        }

        var separator = value.IndexOf(Separator, StringComparison.Ordinal);
        if (separator < 0 || value.IndexOf(Separator, separator + 1) >= 0)
        {
            error = new FieldError("chat", "chat must contain exactly one ':' between two member names.");
            return false;
        }

        var left = value[..separator];
        var right = value[(separator + 1)..];
        if (MemberProblem(left) is { } leftProblem)
        {
            error = new FieldError("chat", $"the first member of chat {leftProblem}");
            return false;
        }

        if (MemberProblem(right) is { } rightProblem)
        {
            error = new FieldError("chat", $"the second member of chat {rightProblem}");
            return false;
        }

        name = CompareByCodePoint(left, right) <= 0
            ? new ConversationName(left, right)
            : new ConversationName(right, left);
        return true;
    }

    /// <summary>
    /// Orders by Unicode code point, which is also the order of the names' UTF-8 bytes: the order a client in Go or
    /// most other languages gets from comparing the strings. UTF-16 ordinal order differs from it only where a
    /// character outside the Basic Multilingual Plane (an emoji) meets one from U+E000 to U+FFFF.
    /// </summary>
    public static int CompareByCodePoint(string left, string right)
    {
        var leftRunes = left.EnumerateRunes();
        var rightRunes = right.EnumerateRunes();
        while (true)
        {
            var leftMore = leftRunes.MoveNext();
            var rightMore = rightRunes.MoveNext();
            if (!leftMore || !rightMore)
            {
                return leftMore.CompareTo(rightMore);
            }

            var order = leftRunes.Current.Value.CompareTo(rightRunes.Current.Value);
            if (order != 0)
            {
                return order;
            }
        }
    }

    private static string? MemberProblem(string member)
    {
        if (member.Length == 0)
        {
            return "is empty.";
        }

        return TextRules.Measure(member, allowedControls: [], out var length) switch
        {
            TextRules.TextStatus.InvalidUnicode => "is not valid Unicode.",
            TextRules.TextStatus.ControlCharacter => "contains a control character.",
            _ when length > MaxMemberLength => $"is longer than {MaxMemberLength} characters.",
            _ => null,
        };
    }
}

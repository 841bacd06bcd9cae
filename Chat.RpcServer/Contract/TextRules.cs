using System.Buffers;
using System.Text;

namespace Chat.Contract;

/// <summary>
/// How strings from clients are measured and checked. Lengths count Unicode characters (scalar values), not
/// UTF-16 units, so an emoji counts once; text that is not valid Unicode is refused rather than repaired.
/// </summary>
internal static class TextRules
{
    public const int DefaultMaxTextLength = 4096;
    public const int MaxIdempotencyKeyLength = 128;

    /// <summary>What <see cref="Measure"/> found in a string.</summary>
    public enum TextStatus
    {
        Valid,
        InvalidUnicode,
        ControlCharacter,
    }

    /// <summary>
    /// Counts the Unicode characters of a string and finds the first that is not allowed: a lone surrogate, or a
    /// control character other than those in <paramref name="allowedControls"/>. Every send is checked this way
    /// twice (HTTP server, RPC server), so printable ASCII, the common case, is recognized in one vectorized scan
    /// and only other text is decoded character by character.
    /// </summary>
    public static TextStatus Measure(ReadOnlySpan<char> value, ReadOnlySpan<char> allowedControls, out int length)
    {
        length = 0;
        if (!value.ContainsAnyExceptInRange(' ', '~'))
        {
            length = value.Length;
            return TextStatus.Valid;
        }

        while (!value.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(value, out var rune, out var consumed) != OperationStatus.Done)
            {
                return TextStatus.InvalidUnicode;
            }

            // Every control character is below U+00A0, so it fits in one UTF-16 unit.
            if (Rune.IsControl(rune) && !allowedControls.Contains((char)rune.Value))
            {
                return TextStatus.ControlCharacter;
            }

            length++;
            value = value[consumed..];
        }

        return TextStatus.Valid;
    }

    /// <summary>Checks a message text: non-empty, at most <paramref name="maxLength"/> characters, no control
    /// characters other than tab, line feed and carriage return.</summary>
    public static FieldError? CheckMessageText(string? text, int maxLength)
    {
        if (string.IsNullOrEmpty(text))
        {
            return new FieldError("text", "text is required and must not be empty.");
        }

        // A string longer in UTF-16 units than twice the limit cannot be within it; skip decoding it.
        if (text.Length > 2 * maxLength)
        {
            return TooLong(maxLength);
        }

        return Measure(text, "\t\n\r", out var length) switch
        {
            TextStatus.InvalidUnicode => new FieldError("text", "text is not valid Unicode."),
            TextStatus.ControlCharacter => new FieldError(
                "text", "text contains a control character (only tab, line feed and carriage return are allowed)."),
            _ when length > maxLength => TooLong(maxLength),
            _ => null,
        };
    }

    /// <summary>Checks an idempotency key: 1 to 128 printable ASCII characters.</summary>
    public static FieldError? CheckIdempotencyKey(string? key)
    {
        if (string.IsNullOrEmpty(key) || key.Length > MaxIdempotencyKeyLength
            || key.Any(c => c is < ' ' or > '~'))
        {
            return new FieldError(
                "Idempotency-Key",
                $"Idempotency-Key must be 1 to {MaxIdempotencyKeyLength} printable ASCII characters.");
        }

        return null;
    }

    private static FieldError TooLong(int maxLength) =>
        new("text", $"text must be at most {maxLength} characters.");
}

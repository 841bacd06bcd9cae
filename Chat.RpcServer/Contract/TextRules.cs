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

    public readonly record struct DecodedRune(Rune Rune, OperationStatus Status);

    public static IEnumerable<DecodedRune> EnumerateRunes(string value)
    {
        var index = 0;
        while (index < value.Length)
        {
            var status = Rune.DecodeFromUtf16(value.AsSpan(index), out var rune, out var consumed);
            yield return new DecodedRune(rune, status);
            if (status != OperationStatus.Done)
            {
                yield break;
            }

            index += consumed;
        }
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

        var length = 0;
        foreach (var decoded in EnumerateRunes(text))
        {
            if (decoded.Status != OperationStatus.Done)
            {
                return new FieldError("text", "text is not valid Unicode.");
            }

            if (Rune.IsControl(decoded.Rune) && decoded.Rune.Value is not ('\t' or '\n' or '\r'))
            {
                return new FieldError(
                    "text", "text contains a control character (only tab, line feed and carriage return are allowed).");
            }

            length++;
        }

        return length > maxLength ? TooLong(maxLength) : null;
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

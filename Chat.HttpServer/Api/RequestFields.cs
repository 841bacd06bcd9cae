using System.Buffers;
using System.Globalization;
using System.IO.Pipelines;
using System.Text.Json;
using Chat.Contract;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Net.Http.Headers;

namespace Chat.HttpServer.Api;

/// <summary>
/// The fields of one request, gathered from the query string and then from the body (JSON or form), so that a value
/// in the body wins over the same field in the query string. JSON is accepted on GET too, as the original clients and
/// Postman send it.
/// </summary>
/// <remarks>
/// A JSON body is read straight from the request's pipe and walked once with <see cref="Utf8JsonReader"/>, keeping
/// of each top-level field its kind and its text or number: the API's bodies are a handful of short fields, and a
/// JsonDocument over a stream cost more than all the checks that follow (docs/benchmark.md).
/// </remarks>
internal sealed class RequestFields
{
    /// <summary>Deep enough for any request of this API; deeper input is refused before it costs anything.</summary>
    private const int MaxJsonDepth = 8;

    private static ReadOnlySpan<byte> Utf8ByteOrderMark => [0xEF, 0xBB, 0xBF];

    private readonly Dictionary<string, Field> _fields = new(StringComparer.Ordinal);

    private RequestFields()
    {
    }

    /// <summary>
    /// A field's value: text from a query string or form; or, from a JSON body, its kind, its text if it is a string
    /// of valid Unicode, and its number if it is one that fits in 64 bits.
    /// </summary>
    private readonly record struct Field(
        string? Text, bool IsJson, JsonValueKind Kind = JsonValueKind.Undefined, long? Number = null);

    public static async Task<(RequestFields? Fields, FieldError? Error)> ReadAsync(
        HttpRequest request, CancellationToken cancellationToken)
    {
        var fields = new RequestFields();
        foreach (var (name, values) in request.Query)
        {
            if (values.Count != 1)
            {
                return (null, new FieldError(name, $"{name} is given {values.Count} times in the query string."));
            }

            fields._fields[name] = new Field(values[0], IsJson: false);
        }

        var error = await fields.ReadBodyAsync(request, cancellationToken);
        return error is null ? (fields, null) : (null, error);
    }

    /// <summary>A required text field.</summary>
    public FieldError? GetString(string name, out string value)
    {
        value = string.Empty;
        if (!_fields.TryGetValue(name, out var field) || field.IsJson && field.Kind == JsonValueKind.Null)
        {
            return new FieldError(name, $"{name} is required.");
        }

        if (field.IsJson && field.Kind != JsonValueKind.String)
        {
            return new FieldError(name, $"{name} must be a JSON string, not {Describe(field.Kind)}.");
        }

        if (field.IsJson && field.Text is null)
        {
            // A JSON escape can spell half of a surrogate pair ("\ud800"), which no valid Unicode text holds.
            return new FieldError(name, $"{name} is not valid Unicode.");
        }

        value = field.Text ?? string.Empty;
        return null;
    }

    /// <summary>Whether an optional field was given a value (empty values mean the default, as if absent).</summary>
    public bool Has(string name) => TryGet(name, out _);

    /// <summary>An optional integer: a JSON number, or decimal digits in a query string or form.</summary>
    public FieldError? GetInt64(string name, long defaultValue, out long value)
    {
        value = defaultValue;
        if (!TryGet(name, out var field))
        {
            return null;
        }

        bool parsed;
        if (field.IsJson)
        {
            parsed = field.Number is not null;
            value = field.Number ?? defaultValue;
        }
        else
        {
            parsed = long.TryParse(field.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
        }

        if (!parsed)
        {
            var what = field.IsJson && field.Kind != JsonValueKind.Number
                ? $"a JSON number, not {Describe(field.Kind)}"
                : "an integer that fits in 64 bits";
            return new FieldError(name, $"{name} must be {what}.");
        }

        return null;
    }

    /// <summary>An optional flag: a JSON boolean, or in a query string or form one of true, false, 1, 0, t, f
    /// (in any case), the spellings the original Go clients' servers accepted.</summary>
    public FieldError? GetBoolean(string name, bool defaultValue, out bool value)
    {
        value = defaultValue;
        if (!TryGet(name, out var field))
        {
            return null;
        }

        if (field.IsJson)
        {
            if (field.Kind is JsonValueKind.True or JsonValueKind.False)
            {
                value = field.Kind == JsonValueKind.True;
                return null;
            }

            return new FieldError(name, $"{name} must be a JSON boolean, not {Describe(field.Kind)}.");
        }

        switch (field.Text?.ToLowerInvariant())
        {
            case "true" or "1" or "t":
                value = true;
                return null;
            case "false" or "0" or "f":
                value = false;
                return null;
            default:
                return new FieldError(name, $"{name} must be true or false.");
        }
    }

    /// <summary>An optional field counts as absent when it is JSON null or an empty query or form value
    /// ("cursor=" means the default, as it did for the original clients' servers).</summary>
    private bool TryGet(string name, out Field field) =>
        _fields.TryGetValue(name, out field)
        && !(field.IsJson ? field.Kind == JsonValueKind.Null : string.IsNullOrEmpty(field.Text));

    private async Task<FieldError?> ReadBodyAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var canHaveBody = request.HttpContext.Features.Get<IHttpRequestBodyDetectionFeature>()?.CanHaveBody ?? true;
        if (!canHaveBody || request.ContentLength == 0)
        {
            return null;
        }

        if (request.HasFormContentType)
        {
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(cancellationToken);
            }
            catch (Exception exception) when (exception is InvalidDataException
                or IOException and not BadHttpRequestException)
            {
                // Too many fields, a field too long, or multipart framing that does not hold together.
                return new FieldError("body", $"the form body cannot be read: {exception.Message}");
            }

            foreach (var (name, values) in form)
            {
                if (values.Count != 1)
                {
                    return new FieldError(name, $"{name} is given {values.Count} times in the form body.");
                }

                _fields[name] = new Field(values[0], IsJson: false);
            }

            return null;
        }

        // A body without a Content-Type is read as JSON: that is what hand-written clients most often forget.
        var isJson = request.ContentType is null || IsJsonMediaType(request.ContentType);
        if (!isJson)
        {
            return new FieldError(
                "body",
                $"a body of type {request.ContentType} is not understood; send application/json or a form.");
        }

        return await ReadJsonAsync(request.BodyReader, cancellationToken);
    }

    /// <summary>
    /// Reads the whole body, then its fields. A body that has all arrived by the first read (any ordinary request)
    /// is parsed where the pipe holds it; a larger or slower one is gathered first, so that the pipe's own limit on
    /// what it buffers never holds it up. Kestrel's MaxRequestBodySize bounds both.
    /// </summary>
    private async Task<FieldError?> ReadJsonAsync(PipeReader body, CancellationToken cancellationToken)
    {
        var read = await body.ReadAsync(cancellationToken);
        if (read.IsCompleted)
        {
            try
            {
                return ReadJson(read.Buffer);
            }
            finally
            {
                body.AdvanceTo(read.Buffer.End);
            }
        }

        var whole = new ArrayBufferWriter<byte>();
        while (true)
        {
            foreach (var segment in read.Buffer)
            {
                whole.Write(segment.Span);
            }

            body.AdvanceTo(read.Buffer.End);
            if (read.IsCompleted)
            {
                return ReadJson(new ReadOnlySequence<byte>(whole.WrittenMemory));
            }

            read = await body.ReadAsync(cancellationToken);
        }
    }

    /// <summary>
    /// Checks that the body is one well-formed JSON value, no deeper than <see cref="MaxJsonDepth"/>, and keeps the
    /// fields of an object. As with JsonDocument: a UTF-8 byte order mark is skipped; no comments, no trailing
    /// commas; of a field given twice, the last wins.
    /// </summary>
    private FieldError? ReadJson(ReadOnlySequence<byte> json)
    {
        if (json.FirstSpan.StartsWith(Utf8ByteOrderMark))
        {
            json = json.Slice(Utf8ByteOrderMark.Length);
        }

        var reader = new Utf8JsonReader(json, new JsonReaderOptions { MaxDepth = MaxJsonDepth });
        try
        {
            reader.Read();
            if (reader.TokenType != JsonTokenType.StartObject)
            {
                var kind = ReadValue(ref reader).Kind;
                reader.Read();
                return new FieldError("body", $"the body must be a JSON object, not {Describe(kind)}.");
            }

            var names = true;
            while (reader.Read() && reader.TokenType == JsonTokenType.PropertyName)
            {
                string? name;
                try
                {
                    name = reader.GetString();
                }
                catch (InvalidOperationException)
                {
                    name = null;
                    names = false;
                }

                reader.Read();
                var field = ReadValue(ref reader);
                if (name is not null)
                {
                    _fields[name] = field;
                }
            }

            // Past the object's end: anything but whitespace after it throws.
            reader.Read();
            return names ? null : new FieldError("body", "the body has a property name that is not valid Unicode.");
        }
        catch (JsonException exception)
        {
            var where = exception.BytePositionInLine is { } position
                ? $" (line {exception.LineNumber + 1}, byte {position + 1})"
                : string.Empty;
            return new FieldError("body", $"the body is not valid JSON{where}.");
        }
    }

    /// <summary>The value the reader stands on, read whole: an object or array is checked and skipped.</summary>
    private static Field ReadValue(ref Utf8JsonReader reader)
    {
        switch (reader.TokenType)
        {
            case JsonTokenType.String:
                try
                {
                    return new Field(reader.GetString(), IsJson: true, JsonValueKind.String);
                }
                catch (InvalidOperationException)
                {
                    // Invalid UTF-8, or an escape that spells half of a surrogate pair: no text to keep.
                    return new Field(null, IsJson: true, JsonValueKind.String);
                }

            case JsonTokenType.Number:
                return new Field(
                    null, IsJson: true, JsonValueKind.Number, reader.TryGetInt64(out var number) ? number : null);

            case JsonTokenType.StartObject or JsonTokenType.StartArray:
                var kind = reader.TokenType == JsonTokenType.StartObject ? JsonValueKind.Object : JsonValueKind.Array;
                reader.Skip();
                return new Field(null, IsJson: true, kind);

            default:
                return new Field(null, IsJson: true, reader.TokenType switch
                {
                    JsonTokenType.True => JsonValueKind.True,
                    JsonTokenType.False => JsonValueKind.False,
                    _ => JsonValueKind.Null,
                });
        }
    }

    private static bool IsJsonMediaType(string contentType) =>
        MediaTypeHeaderValue.TryParse(contentType, out var mediaType)
        && (mediaType.MediaType.Equals("application/json", StringComparison.OrdinalIgnoreCase)
            || mediaType.Suffix.Equals("json", StringComparison.OrdinalIgnoreCase));

    private static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Object => "an object",
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };
}

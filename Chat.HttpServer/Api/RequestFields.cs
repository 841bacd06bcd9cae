using System.Globalization;
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
internal sealed class RequestFields : IDisposable
{
    /// <summary>Deep enough for any request of this API; deeper input is refused before it costs anything.</summary>
    private const int MaxJsonDepth = 8;

    private readonly Dictionary<string, Field> _fields = new(StringComparer.Ordinal);
    private JsonDocument? _document;

    private RequestFields()
    {
    }

    /// <summary>A field's value: text from a query string or form, or an element of a JSON body.</summary>
    private readonly record struct Field(string? Text, JsonElement Json, bool IsJson);

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

            fields._fields[name] = new Field(values[0], default, IsJson: false);
        }

        var error = await fields.ReadBodyAsync(request, cancellationToken);
        if (error is not null)
        {
            fields.Dispose();
            return (null, error);
        }

        return (fields, null);
    }

    public void Dispose() => _document?.Dispose();

    /// <summary>A required text field.</summary>
    public FieldError? GetString(string name, out string value)
    {
        value = string.Empty;
        if (!_fields.TryGetValue(name, out var field) || field.IsJson && field.Json.ValueKind == JsonValueKind.Null)
        {
            return new FieldError(name, $"{name} is required.");
        }

        if (field.IsJson && field.Json.ValueKind != JsonValueKind.String)
        {
            return new FieldError(name, $"{name} must be a JSON string, not {Describe(field.Json.ValueKind)}.");
        }

        if (!field.IsJson)
        {
            value = field.Text ?? string.Empty;
            return null;
        }

        try
        {
            value = field.Json.GetString()!;
            return null;
        }
        catch (InvalidOperationException)
        {
            // A JSON escape can spell half of a surrogate pair ("\ud800"), which no valid Unicode text holds.
            return new FieldError(name, $"{name} is not valid Unicode.");
        }
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

        var parsed = field.IsJson
            ? field.Json.ValueKind == JsonValueKind.Number && field.Json.TryGetInt64(out value)
            : long.TryParse(field.Text, NumberStyles.AllowLeadingSign, CultureInfo.InvariantCulture, out value);
        if (!parsed)
        {
            var what = field.IsJson && field.Json.ValueKind != JsonValueKind.Number
                ? $"a JSON number, not {Describe(field.Json.ValueKind)}"
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
            if (field.Json.ValueKind is JsonValueKind.True or JsonValueKind.False)
            {
                value = field.Json.GetBoolean();
                return null;
            }

            return new FieldError(name, $"{name} must be a JSON boolean, not {Describe(field.Json.ValueKind)}.");
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
        && !(field.IsJson ? field.Json.ValueKind == JsonValueKind.Null : string.IsNullOrEmpty(field.Text));

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

                _fields[name] = new Field(values[0], default, IsJson: false);
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

        return await ReadJsonAsync(request.Body, cancellationToken);
    }

    private async Task<FieldError?> ReadJsonAsync(Stream body, CancellationToken cancellationToken)
    {
        try
        {
            _document = await JsonDocument.ParseAsync(
                body, new JsonDocumentOptions { MaxDepth = MaxJsonDepth }, cancellationToken);
        }
        catch (JsonException exception)
        {
            var where = exception.BytePositionInLine is { } position
                ? $" (line {exception.LineNumber + 1}, byte {position + 1})"
                : string.Empty;
            return new FieldError("body", $"the body is not valid JSON{where}.");
        }

        // The document is held whole (the body size limit bounds it) until this object is disposed with the request.
        var root = _document.RootElement;
        if (root.ValueKind != JsonValueKind.Object)
        {
            return new FieldError("body", $"the body must be a JSON object, not {Describe(root.ValueKind)}.");
        }

        try
        {
            foreach (var property in root.EnumerateObject())
            {
                _fields[property.Name] = new Field(null, property.Value, IsJson: true);
            }
        }
        catch (InvalidOperationException)
        {
            // A property name escaped as half of a surrogate pair cannot be read as text.
            return new FieldError("body", "the body has a property name that is not valid Unicode.");
        }

        return null;
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

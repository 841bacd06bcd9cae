using System.Buffers;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using Microsoft.AspNetCore.Http.Json;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.Extensions.Options;

namespace Chat.HttpServer.Api;

/// <summary>
/// 200 with a JSON body that is serialized whole before the response starts, and then written in one go with its
/// Content-Length. The API's answers are a few hundred bytes: writing them through the serializer's asynchronous
/// stream path, chunked, cost more than serializing them (see docs/benchmark.md). The JSON is the same: the
/// application's serializer options, with their type information, naming and encoder.
/// </summary>
internal sealed class JsonOk<TValue>(TValue value)
    : IResult, IStatusCodeHttpResult, IValueHttpResult, IValueHttpResult<TValue>, IEndpointMetadataProvider
{
    public TValue Value => value;

    object? IValueHttpResult.Value => value;

    public int StatusCode => StatusCodes.Status200OK;

    int? IStatusCodeHttpResult.StatusCode => StatusCode;

    public Task ExecuteAsync(HttpContext context)
    {
        var options = context.RequestServices.GetRequiredService<IOptions<JsonOptions>>().Value.SerializerOptions;
        return JsonAnswer.WriteAsync(context.Response, StatusCode, value, options);
    }

    public static void PopulateMetadata(MethodInfo method, EndpointBuilder builder) =>
        builder.Metadata.Add(
            new ProducesResponseTypeMetadata(StatusCodes.Status200OK, typeof(TValue), [JsonAnswer.ContentType]));
}

/// <summary>Serializes an answer into a buffer of the thread's own, then writes it whole with its Content-Length.
/// </summary>
/// <remarks>Not generic, so that its thread-static fields are reached directly, not looked up per type.</remarks>
internal static class JsonAnswer
{
    public const string ContentType = "application/json; charset=utf-8";

    /// <summary>A buffer that grew past this for a rare large answer is let go rather than kept by the thread.
    /// </summary>
    private const int RetainedBytes = 64 * 1024;

    // Reused: serializing never awaits, so no other request can use them meanwhile.
    [ThreadStatic]
    private static ArrayBufferWriter<byte>? t_buffer;

    [ThreadStatic]
    private static Utf8JsonWriter? t_writer;

    public static Task WriteAsync<TValue>(
        HttpResponse response, int statusCode, TValue value, JsonSerializerOptions options)
    {
        var buffer = t_buffer ??= new ArrayBufferWriter<byte>(1024);
        var writer = t_writer;
        if (writer is null
            || writer.Options.Encoder != options.Encoder
            || writer.Options.Indented != options.WriteIndented)
        {
            writer = t_writer = new Utf8JsonWriter(buffer, new JsonWriterOptions
            {
                Encoder = options.Encoder,
                Indented = options.WriteIndented,
                MaxDepth = options.MaxDepth,
            });
        }

        try
        {
            if (value is IJsonAnswer answer)
            {
                answer.WriteTo(writer);
            }
            else
            {
                JsonSerializer.Serialize(writer, value, (JsonTypeInfo<TValue>)options.GetTypeInfo(typeof(TValue)));
            }

            writer.Flush();

            response.StatusCode = statusCode;
            response.ContentType = ContentType;
            response.ContentLength = buffer.WrittenCount;
            response.BodyWriter.Write(buffer.WrittenSpan);
        }
        finally
        {
            writer.Reset(buffer);
            if (buffer.Capacity > RetainedBytes)
            {
                t_buffer = null;
                t_writer = null;
            }
            else
            {
                buffer.ResetWrittenCount();
            }
        }

        var flush = response.BodyWriter.FlushAsync();
        return flush.IsCompletedSuccessfully ? Task.CompletedTask : flush.AsTask();
    }
}

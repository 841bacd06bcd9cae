extern alias HttpServer;

using System.Text;
using HttpServer::Chat.Contract;
using HttpServer::Chat.HttpServer.Api;
using Microsoft.AspNetCore.Http;

namespace Chat.Tests.Unit;

/// <summary>Requests as the HTTP server sees them, with a real body stream, bound the way its endpoints bind them.
/// </summary>
internal static class TestRequests
{
    public const string JsonType = "application/json";
    public const string FormType = "application/x-www-form-urlencoded";

    /// <param name="query">The query string with its leading '?', or empty.</param>
    /// <param name="body">The body, or null for a request without one.</param>
    public static HttpContext Create(
        string method = "GET", string query = "", string? body = null, string? contentType = JsonType)
    {
        var context = new DefaultHttpContext();
        context.Request.Method = method;
        context.Request.QueryString = new QueryString(query);
        if (body is null)
        {
            context.Request.ContentLength = 0;
            return context;
        }

        var bytes = Encoding.UTF8.GetBytes(body);
        context.Request.Body = new MemoryStream(bytes);
        context.Request.ContentLength = bytes.Length;
        context.Request.ContentType = contentType;
        return context;
    }

    public static async Task<(SendInput? Input, FieldError? Error)> BindSendAsync(
        HttpContext context, int maxTextLength = TextRules.DefaultMaxTextLength)
    {
        var cancellation = TestContext.Current.CancellationToken;
        var (fields, readError) = await RequestFields.ReadAsync(context.Request, cancellation);
        if (readError is not null)
        {
            return (null, readError);
        }

        var error = SendInput.TryBind(fields!, context.Request.Headers, maxTextLength, out var input);
        return (input, error);
    }

    public static async Task<(PullInput? Input, FieldError? Error)> BindPullAsync(
        HttpContext context, int maxLimit = PageRules.DefaultMaxLimit)
    {
        var cancellation = TestContext.Current.CancellationToken;
        var (fields, readError) = await RequestFields.ReadAsync(context.Request, cancellation);
        if (readError is not null)
        {
            return (null, readError);
        }

        var error = PullInput.TryBind(fields!, maxLimit, out var input);
        return (input, error);
    }
}

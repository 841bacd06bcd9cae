using Chat.Contract;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.HttpServer.Api;

/// <summary>The API's problem details (RFC 9457). A "field" extension names the offending field, if any.</summary>
internal static class Problems
{
    public static ProblemHttpResult InvalidField(FieldError error) =>
        TypedResults.Problem(
            detail: error.Detail,
            statusCode: StatusCodes.Status400BadRequest,
            title: "The request is invalid.",
            extensions: new Dictionary<string, object?> { ["field"] = error.Field });

    public static ProblemHttpResult Unavailable(HttpContext context, TimeSpan retryAfter, string detail)
    {
        SetRetryAfter(context, retryAfter);
        return TypedResults.Problem(
            detail: detail,
            statusCode: StatusCodes.Status503ServiceUnavailable,
            title: "The service is unavailable; try again shortly.");
    }

    public static ProblemHttpResult TooManyRequests(HttpContext context, TimeSpan retryAfter, ChatApiOptions options)
    {
        SetRetryAfter(context, retryAfter);
        return TypedResults.Problem(
            detail: $"A client address may make {options.RateLimitPerSecond} requests a second, with bursts of "
                + $"{options.RateLimitBurst}; wait for Retry-After seconds before the next one.",
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many requests.");
    }

    public static ProblemHttpResult Timeout() =>
        TypedResults.Problem(
            detail: "The message service did not answer within its deadline. A send may or may not have been "
                + "stored: retry it with the same Idempotency-Key to find out without storing it twice.",
            statusCode: StatusCodes.Status504GatewayTimeout,
            title: "The request timed out.");

    public static ProblemHttpResult Unexpected() =>
        TypedResults.Problem(
            detail: "An unexpected error occurred. Quote the traceId when reporting it.",
            statusCode: StatusCodes.Status500InternalServerError,
            title: "Internal error.");

    public static ProblemHttpResult TooManySubscriptions(HttpContext context, TimeSpan retryAfter, int limit)
    {
        SetRetryAfter(context, retryAfter);
        return TypedResults.Problem(
            detail: $"This client already has {limit} open subscriptions, the most allowed; close one first.",
            statusCode: StatusCodes.Status429TooManyRequests,
            title: "Too many subscriptions.");
    }

    /// <summary>Retry-After in whole seconds, rounded up and at least 1, as HTTP requires delta-seconds.</summary>
    private static void SetRetryAfter(HttpContext context, TimeSpan retryAfter) =>
        context.Response.Headers.RetryAfter = Math.Max(1, (int)Math.Ceiling(retryAfter.TotalSeconds)).ToString();
}

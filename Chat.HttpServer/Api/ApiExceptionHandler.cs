using System.Diagnostics;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace Chat.HttpServer.Api;

/// <summary>
/// Errors thrown past the endpoints: a body over the size limit or a broken request (Kestrel's
/// BadHttpRequestException, with its own status) and anything unexpected (500, logged with its trace id; the body
/// says nothing of the internals).
/// </summary>
internal sealed class ApiExceptionHandler(
    IProblemDetailsService problemDetails, IOptions<ChatApiOptions> options, ILogger<ApiExceptionHandler> logger)
    : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(
        HttpContext context, Exception exception, CancellationToken cancellationToken)
    {
        var problem = exception switch
        {
            BadHttpRequestException { StatusCode: StatusCodes.Status413PayloadTooLarge } => new ProblemDetails
            {
                Status = StatusCodes.Status413PayloadTooLarge,
                Title = "The request body is too large.",
                Detail = $"body must be at most {options.Value.MaxRequestBodyBytes} bytes.",
                Extensions = { ["field"] = "body" },
            },
            BadHttpRequestException badRequest => new ProblemDetails
            {
                Status = badRequest.StatusCode,
                Title = "The request is invalid.",
                Detail = badRequest.Message,
            },
            _ => null,
        };

        if (problem is null)
        {
            var traceId = Activity.Current?.TraceId.ToString() ?? context.TraceIdentifier;
            Log.Unexpected(logger, traceId, exception);
            problem = new ProblemDetails
            {
                Status = StatusCodes.Status500InternalServerError,
                Title = "Internal error.",
                Detail = "An unexpected error occurred. Quote the traceId when reporting it.",
            };
        }

        context.Response.StatusCode = problem.Status!.Value;
        return await problemDetails.TryWriteAsync(
            new ProblemDetailsContext { HttpContext = context, ProblemDetails = problem });
    }
}

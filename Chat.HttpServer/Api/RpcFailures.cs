using Chat.Contract;
using Chat.HttpServer.Rpc;
using Grpc.Core;
using Microsoft.AspNetCore.Http.HttpResults;

namespace Chat.HttpServer.Api;

/// <summary>Maps a failed call to the RPC server onto the status the contract gives a client.</summary>
internal static class RpcFailures
{
    public static ProblemHttpResult ToProblem(RpcException exception, HttpContext context, ChatApiOptions options,
        ILogger logger)
    {
        switch (exception.StatusCode)
        {
            case StatusCode.InvalidArgument:
                var field = exception.Trailers.GetValue(MessageRpc.FieldTrailer) ?? "request";
                return Problems.InvalidField(new FieldError(field, exception.Status.Detail));

            case StatusCode.Unavailable or StatusCode.ResourceExhausted or StatusCode.Aborted:
                Log.RpcUnavailable(logger, exception.StatusCode, exception.Status.Detail);
                return Problems.Unavailable(
                    context, options.RetryAfter, "The message service is unreachable or its store is down.");

            case StatusCode.DeadlineExceeded:
                Log.RpcDeadlineExceeded(logger, options.RpcDeadline);
                return Problems.Timeout();

            default:
                Log.RpcFailed(logger, exception.StatusCode, exception);
                return Problems.Unexpected();
        }
    }
}

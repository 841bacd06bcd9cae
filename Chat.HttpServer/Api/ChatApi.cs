using Chat.Rpc;
using Grpc.Core;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Chat.HttpServer.Api;

/// <summary>The public HTTP API: GET /ping, POST /api/send, GET /api/pull.</summary>
public static class ChatApi
{
    public static IEndpointRouteBuilder MapChatApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/ping", Ping);

        var api = endpoints.MapGroup("/api");
        api.MapPost("/send", SendAsync);
        api.MapGet("/pull", PullAsync);
        return endpoints;
    }

    public static Ok<PongResponse> Ping() => TypedResults.Ok(new PongResponse("pong"));

    public static async Task<Results<Ok<MessageResponse>, ProblemHttpResult>> SendAsync(
        HttpContext context,
        MessageService.MessageServiceClient rpc,
        IOptions<ChatApiOptions> options,
        ILogger<MessageService.MessageServiceClient> logger)
    {
        var settings = options.Value;
        var (fields, readError) = await RequestFields.ReadAsync(context.Request, context.RequestAborted);
        if (readError is not null)
        {
            return Problems.InvalidField(readError);
        }

        using var _ = fields;
        if (SendInput.TryBind(fields!, context.Request.Headers, settings.MaxTextLength, out var input) is { } error)
        {
            return Problems.InvalidField(error);
        }

        var request = new SendRequest
        {
            Chat = input!.Chat,
            Text = input.Text,
            Sender = input.Sender,
            IdempotencyKey = input.IdempotencyKey,
            ClientSuppliedKey = input.ClientSuppliedKey,
        };
        try
        {
            var reply = await rpc.SendAsync(
                request, deadline: DateTime.UtcNow + settings.RpcDeadline, cancellationToken: context.RequestAborted);
            return TypedResults.Ok(ToResponse(reply.Message));
        }
        catch (RpcException exception) when (!context.RequestAborted.IsCancellationRequested)
        {
            return RpcFailures.ToProblem(exception, context, settings, logger);
        }
    }

    public static async Task<Results<Ok<PullResponse>, ProblemHttpResult>> PullAsync(
        HttpContext context,
        MessageService.MessageServiceClient rpc,
        IOptions<ChatApiOptions> options,
        ILogger<MessageService.MessageServiceClient> logger)
    {
        var settings = options.Value;
        var (fields, readError) = await RequestFields.ReadAsync(context.Request, context.RequestAborted);
        if (readError is not null)
        {
            return Problems.InvalidField(readError);
        }

        using var _ = fields;
        if (PullInput.TryBind(fields!, settings.MaxPullLimit, out var input) is { } error)
        {
            return Problems.InvalidField(error);
        }

        var request = new PullRequest
        {
            Chat = input!.Chat,
            Cursor = input.Cursor,
            Limit = input.Limit,
            Reverse = input.Reverse,
        };
        try
        {
            var reply = await rpc.PullAsync(
                request, deadline: DateTime.UtcNow + settings.RpcDeadline, cancellationToken: context.RequestAborted);
            var messages = new MessageResponse[reply.Messages.Count];
            for (var i = 0; i < messages.Length; i++)
            {
                messages[i] = ToResponse(reply.Messages[i]);
            }

            return TypedResults.Ok(new PullResponse(messages, reply.HasMore, reply.NextCursor));
        }
        catch (RpcException exception) when (!context.RequestAborted.IsCancellationRequested)
        {
            return RpcFailures.ToProblem(exception, context, settings, logger);
        }
    }

    private static MessageResponse ToResponse(Message message) =>
        new(message.Chat, message.Text, message.Sender, message.SendTime);
}

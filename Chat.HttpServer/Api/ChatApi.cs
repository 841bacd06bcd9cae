using Chat.HttpServer.Rpc;
using Chat.Rpc;
using Grpc.Core;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace Chat.HttpServer.Api;

/// <summary>The public HTTP API: GET /ping, POST /api/send, GET /api/pull, GET /api/subscribe.</summary>
public static class ChatApi
{
    /// <summary>The header with which the RPC server says a subscription is in place.</summary>
    private const string SubscribedHeader = "chat-subscribed";

    public static IEndpointRouteBuilder MapChatApi(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGet("/ping", Ping);

        var api = endpoints.MapGroup("/api");
        api.MapPost("/send", SendAsync);
        api.MapGet("/pull", PullAsync);
        api.MapGet("/subscribe", SubscribeAsync);
        return endpoints;
    }

    internal static JsonOk<PongResponse> Ping() => new(new PongResponse("pong"));

    internal static async Task<Results<JsonOk<MessageResponse>, ProblemHttpResult>> SendAsync(
        HttpContext context,
        MessageRpc rpc,
        IOptions<ChatApiOptions> options,
        ILogger<MessageService.MessageServiceClient> logger)
    {
        var settings = options.Value;
        var (fields, readError) = await RequestFields.ReadAsync(context.Request, context.RequestAborted);
        if (readError is not null)
        {
            return Problems.InvalidField(readError);
        }

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
            var reply = await rpc.SendAsync(request, context.RequestAborted);
            return new JsonOk<MessageResponse>(ToResponse(reply.Message));
        }
        catch (RpcException exception) when (!context.RequestAborted.IsCancellationRequested)
        {
            return RpcFailures.ToProblem(exception, context, settings, logger);
        }
    }

    internal static async Task<Results<JsonOk<PullResponse>, ProblemHttpResult>> PullAsync(
        HttpContext context,
        MessageRpc rpc,
        IOptions<ChatApiOptions> options,
        ILogger<MessageService.MessageServiceClient> logger)
    {
        var settings = options.Value;
        var (fields, readError) = await RequestFields.ReadAsync(context.Request, context.RequestAborted);
        if (readError is not null)
        {
            return Problems.InvalidField(readError);
        }

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
            var reply = await rpc.PullAsync(request, context.RequestAborted);
            var messages = new MessageResponse[reply.Messages.Count];
            for (var i = 0; i < messages.Length; i++)
            {
                messages[i] = ToResponse(reply.Messages[i]);
            }

            return new JsonOk<PullResponse>(new PullResponse(messages, reply.HasMore, reply.NextCursor));
        }
        catch (RpcException exception) when (!context.RequestAborted.IsCancellationRequested)
        {
            return RpcFailures.ToProblem(exception, context, settings, logger);
        }
    }

    /// <summary>
    /// Streams a conversation as Server-Sent Events. Bad input and an unreachable RPC server are problems, as
    /// elsewhere; once the stream has begun, it ends when the RPC server ends it (the subscriber fell behind, or the
    /// server went away), and the client resumes with Last-Event-ID.
    /// </summary>
    public static async Task<Results<EmptyHttpResult, ProblemHttpResult>> SubscribeAsync(
        HttpContext context,
        MessageService.MessageServiceClient rpc,
        SubscriptionLimiter limiter,
        IHostApplicationLifetime lifetime,
        IOptions<ChatApiOptions> options,
        ILogger<MessageService.MessageServiceClient> logger)
    {
        var settings = options.Value;
        var aborted = context.RequestAborted;
        var (fields, readError) = await RequestFields.ReadAsync(context.Request, aborted);
        if (readError is not null)
        {
            return Problems.InvalidField(readError);
        }

        if (SubscribeInput.TryBind(fields!, context.Request.Headers, out var input) is { } error)
        {
            return Problems.InvalidField(error);
        }

        using var lease = limiter.TryAcquire(context.Connection.RemoteIpAddress);
        if (lease is null)
        {
            return Problems.TooManySubscriptions(context, settings.RetryAfter, settings.MaxSubscriptionsPerClient);
        }

        var request = new SubscribeRequest
        {
            Chat = input!.Chat,
            AfterSendTime = input.AfterSendTime,
            OnlyNew = input.OnlyNew,
        };
        using var call = rpc.Subscribe(request, cancellationToken: aborted);
        try
        {
            // The RPC server sends its headers once the live feed is in place; a call refused at once has none,
            // and its status comes with the first read.
            var headers = await call.ResponseHeadersAsync.WaitAsync(settings.RpcDeadline, aborted);
            if (headers.GetValue(SubscribedHeader) is null)
            {
                await call.ResponseStream.MoveNext(aborted);
                return Problems.Unexpected();
            }
        }
        catch (RpcException exception) when (!aborted.IsCancellationRequested)
        {
            return RpcFailures.ToProblem(exception, context, settings, logger);
        }
        catch (TimeoutException)
        {
            Log.RpcDeadlineExceeded(logger, settings.RpcDeadline);
            return Problems.Timeout();
        }

        // A replica that is shutting down ends its streams, and their clients resume on another.
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(aborted, lifetime.ApplicationStopping);
        await StreamEventsAsync(
            call.ResponseStream, new EventStreamWriter(context.Response), settings, logger, ended.Token);
        return TypedResults.Empty;
    }

    private static async Task StreamEventsAsync(
        IAsyncStreamReader<Message> messages,
        EventStreamWriter stream,
        ChatApiOptions settings,
        ILogger logger,
        CancellationToken aborted)
    {
        try
        {
            await stream.StartAsync(settings.ReconnectDelay, aborted);
            var next = messages.MoveNext(aborted);
            while (true)
            {
                bool more;
                try
                {
                    more = await next.WaitAsync(settings.HeartbeatInterval, aborted);
                }
                catch (TimeoutException)
                {
                    await stream.WriteHeartbeatAsync(aborted);
                    continue;
                }

                if (!more)
                {
                    return;
                }

                await stream.WriteMessageAsync(ToResponse(messages.Current), aborted);
                next = messages.MoveNext(aborted);
            }
        }
        catch (RpcException exception) when (!aborted.IsCancellationRequested)
        {
            Log.EventStreamEnded(logger, exception.StatusCode, exception.Status.Detail);
        }
        catch (Exception exception) when (exception is OperationCanceledException or RpcException or IOException
            && aborted.IsCancellationRequested)
        {
            // The client went away; there is no one left to tell.
        }
    }

    private static MessageResponse ToResponse(Message message) =>
        new(message.Chat, message.Text, message.Sender, message.SendTime);
}

using System.Diagnostics.CodeAnalysis;
using Chat.Contract;
using Chat.Rpc;
using Chat.RpcServer.Live;
using Chat.RpcServer.Storage;
using Grpc.Core;
using Microsoft.Extensions.Options;

namespace Chat.RpcServer.Grpc;

/// <summary>The gRPC face of the store: checks every field again (callers other than the HTTP server may come),
/// then stores or pages. Invalid input is an InvalidArgument status whose message names the field.</summary>
internal sealed class MessageGrpcService(
    MessageStore store, MessageFeed feed, IHostApplicationLifetime lifetime, IOptions<StoreOptions> options)
    : MessageService.MessageServiceBase
{
    /// <summary>The trailer that names the refused field, for callers that map errors per field.</summary>
    public const string FieldTrailer = "chat-field";

    /// <summary>The header that tells the caller of Subscribe that the live feed is in place.</summary>
    public const string SubscribedHeader = "chat-subscribed";

    private readonly StoreOptions _options = options.Value;

    public override async Task<SendReply> Send(SendRequest request, ServerCallContext context)
    {
        if (!ConversationName.TryParse(request.Chat, out var conversation, out var chatError))
        {
            ThrowInvalid(chatError);
        }

        var senderIndex = conversation.IndexOf(request.Sender);
        if (senderIndex < 0)
        {
            ThrowInvalid(new FieldError("sender", "sender must be one of the two members of chat."));
        }

        if (TextRules.CheckMessageText(request.Text, _options.MaxTextLength) is { } textError)
        {
            ThrowInvalid(textError);
        }

        if (TextRules.CheckIdempotencyKey(request.IdempotencyKey) is { } keyError)
        {
            ThrowInvalid(keyError with { Field = "idempotency_key" });
        }

        var outcome = await store.SendAsync(
            conversation, senderIndex, request.Text, request.IdempotencyKey, request.ClientSuppliedKey)
            .WaitAsync(context.CancellationToken);

        return new SendReply { Message = ToRpc(outcome.Message), Replayed = outcome.Replayed };
    }

    public override async Task<PullReply> Pull(PullRequest request, ServerCallContext context)
    {
        if (!ConversationName.TryParse(request.Chat, out var conversation, out var chatError))
        {
            ThrowInvalid(chatError);
        }

        if (PageRules.CheckCursor(request.Cursor) is { } cursorError)
        {
            ThrowInvalid(cursorError);
        }

        if (PageRules.TryResolveLimit(request.Limit, _options.MaxPageSize, out var limit) is { } limitError)
        {
            ThrowInvalid(limitError);
        }

        var page = await store.PullAsync(conversation, request.Cursor, limit, request.Reverse)
            .WaitAsync(context.CancellationToken);

        var reply = new PullReply { HasMore = page.HasMore, NextCursor = page.NextCursor };
        foreach (var message in page.Messages)
        {
            reply.Messages.Add(ToRpc(message));
        }

        return reply;
    }

    public override async Task Subscribe(
        SubscribeRequest request, IServerStreamWriter<Rpc.Message> responseStream, ServerCallContext context)
    {
        if (!ConversationName.TryParse(request.Chat, out var conversation, out var chatError))
        {
            ThrowInvalid(chatError);
        }

        if (request.AfterSendTime < 0)
        {
            ThrowInvalid(new FieldError("after_send_time", "after_send_time must be 0 or a send_time."));
        }

        // A server that is shutting down ends its streams, and their callers resume on another replica.
        using var ended = CancellationTokenSource.CreateLinkedTokenSource(
            context.CancellationToken, lifetime.ApplicationStopping);
        try
        {
            await feed.StreamAsync(
                conversation,
                request.AfterSendTime,
                request.OnlyNew,
                subscribed: () => context.WriteResponseHeadersAsync(new Metadata { { SubscribedHeader, "1" } }),
                deliver: (message, cancellationToken) => responseStream.WriteAsync(ToRpc(message), cancellationToken),
                ended.Token);
        }
        catch (SubscriberFellBehindException exception)
        {
            throw new RpcException(new Status(StatusCode.ResourceExhausted, exception.Message));
        }
        catch (OperationCanceledException) when (lifetime.ApplicationStopping.IsCancellationRequested)
        {
            throw new RpcException(
                new Status(StatusCode.Unavailable, "The server is shutting down; resume elsewhere."));
        }
    }

    private static Rpc.Message ToRpc(Storage.Message message) => new()
    {
        Chat = message.Chat,
        Text = message.Text,
        Sender = message.Sender,
        SendTime = message.SendTime,
    };

    [DoesNotReturn]
    private static void ThrowInvalid(FieldError error) =>
        throw new RpcException(
            new Status(StatusCode.InvalidArgument, error.Detail),
            new Metadata { { FieldTrailer, error.Field } });
}

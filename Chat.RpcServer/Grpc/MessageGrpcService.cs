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
        if (CheckSend(request, out var conversation, out var senderIndex) is { } error)
        {
            ThrowInvalid(error);
        }

        var outcome = await store.SendAsync(
            conversation, senderIndex, request.Text, request.IdempotencyKey, request.ClientSuppliedKey)
            .WaitAsync(context.CancellationToken);
        return ToReply(outcome);
    }

    public override async Task<PullReply> Pull(PullRequest request, ServerCallContext context)
    {
        if (CheckPull(request, out var conversation, out var limit) is { } error)
        {
            ThrowInvalid(error);
        }

        var page = await store.PullAsync(conversation, request.Cursor, limit, request.Reverse)
            .WaitAsync(context.CancellationToken);
        return ToReply(page);
    }

    /// <summary>
    /// The valid sends of the batch go to the store together, in the order given, and share its round trips to
    /// Redis. A store fault fails the whole call (the interceptor makes it UNAVAILABLE), and a retry of the whole
    /// batch stores nothing twice, since each send has its idempotency key.
    /// </summary>
    public override async Task<SendBatchReply> SendBatch(SendBatchRequest request, ServerCallContext context)
    {
        CheckBatchSize(request.Sends.Count, "sends");

        var results = new SendResult?[request.Sends.Count];
        var valid = new List<SendItem>(results.Length);
        for (var i = 0; i < results.Length; i++)
        {
            var send = request.Sends[i];
            if (CheckSend(send, out var conversation, out var senderIndex) is { } error)
            {
                results[i] = new SendResult { Refusal = ToRefusal(error) };
                continue;
            }

            valid.Add(new SendItem(conversation, senderIndex, send.Text, send.IdempotencyKey, send.ClientSuppliedKey));
        }

        var outcomes = valid.Count == 0
            ? []
            : await store.SendManyAsync(valid).WaitAsync(context.CancellationToken);

        var reply = new SendBatchReply();
        var next = 0;
        foreach (var result in results)
        {
            reply.Results.Add(result ?? new SendResult { Reply = ToReply(outcomes[next++]) });
        }

        return reply;
    }

    /// <summary>The valid pulls of the batch go to the store together, as in <see cref="SendBatch"/>.</summary>
    public override async Task<PullBatchReply> PullBatch(PullBatchRequest request, ServerCallContext context)
    {
        CheckBatchSize(request.Pulls.Count, "pulls");

        var results = new PullResult?[request.Pulls.Count];
        var valid = new List<PullItem>(results.Length);
        for (var i = 0; i < results.Length; i++)
        {
            var pull = request.Pulls[i];
            if (CheckPull(pull, out var conversation, out var limit) is { } error)
            {
                results[i] = new PullResult { Refusal = ToRefusal(error) };
                continue;
            }

            valid.Add(new PullItem(conversation, pull.Cursor, limit, pull.Reverse));
        }

        var pages = valid.Count == 0
            ? []
            : await store.PullManyAsync(valid).WaitAsync(context.CancellationToken);

        var reply = new PullBatchReply();
        var next = 0;
        foreach (var result in results)
        {
            reply.Results.Add(result ?? new PullResult { Reply = ToReply(pages[next++]) });
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

    private FieldError? CheckSend(SendRequest request, out ConversationName conversation, out int senderIndex)
    {
        senderIndex = -1;
        if (!ConversationName.TryParse(request.Chat, out conversation, out var chatError))
        {
            return chatError;
        }

        senderIndex = conversation.IndexOf(request.Sender);
        if (senderIndex < 0)
        {
            return new FieldError("sender", "sender must be one of the two members of chat.");
        }

        if (TextRules.CheckMessageText(request.Text, _options.MaxTextLength) is { } textError)
        {
            return textError;
        }

        return TextRules.CheckIdempotencyKey(request.IdempotencyKey) is { } keyError
            ? keyError with { Field = "idempotency_key" }
            : null;
    }

    private FieldError? CheckPull(PullRequest request, out ConversationName conversation, out int limit)
    {
        limit = 0;
        if (!ConversationName.TryParse(request.Chat, out conversation, out var chatError))
        {
            return chatError;
        }

        return PageRules.CheckCursor(request.Cursor)
            ?? PageRules.TryResolveLimit(request.Limit, _options.MaxPageSize, out limit);
    }

    private void CheckBatchSize(int count, string field)
    {
        if (count > _options.MaxBatchSize)
        {
            ThrowInvalid(new FieldError(field, $"{field} may hold at most {_options.MaxBatchSize} requests."));
        }
    }

    private static SendReply ToReply(SendOutcome outcome) =>
        new() { Message = ToRpc(outcome.Message), Replayed = outcome.Replayed };

    private static PullReply ToReply(MessagePage page)
    {
        var reply = new PullReply { HasMore = page.HasMore, NextCursor = page.NextCursor };
        foreach (var message in page.Messages)
        {
            reply.Messages.Add(ToRpc(message));
        }

        return reply;
    }

    private static Refusal ToRefusal(FieldError error) =>
        new() { StatusCode = (int)StatusCode.InvalidArgument, Detail = error.Detail, Field = error.Field };

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

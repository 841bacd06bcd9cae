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
        if (CheckSend(request, out var send) is { } error)
        {
            ThrowInvalid(error);
        }

        var outcome = await store.SendAsync(
            send.Conversation, send.SenderIndex, send.Text, send.IdempotencyKey, send.ClientSuppliedKey)
            .WaitAsync(context.CancellationToken);
        return ToReply(outcome);
    }

    public override async Task<PullReply> Pull(PullRequest request, ServerCallContext context)
    {
        if (CheckPull(request, out var pull) is { } error)
        {
            ThrowInvalid(error);
        }

        var page = await store.PullAsync(pull.Conversation, pull.Cursor, pull.Limit, pull.Reverse)
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

        var reply = new SendBatchReply();
        reply.Results.AddRange(await AnswerEachAsync<SendRequest, SendItem, SendOutcome, SendResult>(
            request.Sends, CheckSend, store.SendManyAsync,
            outcome => new SendResult { Reply = ToReply(outcome) }, refusal => new SendResult { Refusal = refusal },
            context.CancellationToken));
        return reply;
    }

    /// <summary>The valid pulls of the batch go to the store together, as in <see cref="SendBatch"/>.</summary>
    public override async Task<PullBatchReply> PullBatch(PullBatchRequest request, ServerCallContext context)
    {
        CheckBatchSize(request.Pulls.Count, "pulls");

        var reply = new PullBatchReply();
        reply.Results.AddRange(await AnswerEachAsync<PullRequest, PullItem, MessagePage, PullResult>(
            request.Pulls, CheckPull, store.PullManyAsync,
            page => new PullResult { Reply = ToReply(page) }, refusal => new PullResult { Refusal = refusal },
            context.CancellationToken));
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

    private FieldError? CheckSend(SendRequest request, out SendItem send)
    {
        send = default;
        if (!ConversationName.TryParse(request.Chat, out var conversation, out var chatError))
        {
            return chatError;
        }

        var senderIndex = conversation.IndexOf(request.Sender);
        if (senderIndex < 0)
        {
            return new FieldError("sender", "sender must be one of the two members of chat.");
        }

        if (TextRules.CheckMessageText(request.Text, _options.MaxTextLength) is { } textError)
        {
            return textError;
        }

        if (TextRules.CheckIdempotencyKey(request.IdempotencyKey) is { } keyError)
        {
            return keyError with { Field = "idempotency_key" };
        }

        send = new SendItem(
            conversation, senderIndex, request.Text, request.IdempotencyKey, request.ClientSuppliedKey);
        return null;
    }

    private FieldError? CheckPull(PullRequest request, out PullItem pull)
    {
        pull = default;
        if (!ConversationName.TryParse(request.Chat, out var conversation, out var chatError))
        {
            return chatError;
        }

        if (PageRules.CheckCursor(request.Cursor) is { } cursorError)
        {
            return cursorError;
        }

        if (PageRules.TryResolveLimit(request.Limit, _options.MaxPageSize, out var limit) is { } limitError)
        {
            return limitError;
        }

        pull = new PullItem(conversation, request.Cursor, limit, request.Reverse);
        return null;
    }

    /// <summary>
    /// Checks each request of a batch on its own, stores the valid ones together in the order given, and answers
    /// each at its index: with what the store gave it, or with its refusal.
    /// </summary>
    private static async Task<TResult[]> AnswerEachAsync<TRequest, TItem, TStored, TResult>(
        IReadOnlyList<TRequest> requests,
        Checker<TRequest, TItem> check,
        Func<IReadOnlyList<TItem>, Task<TStored[]>> storeAll,
        Func<TStored, TResult> answer,
        Func<Refusal, TResult> refuse,
        CancellationToken cancellation)
    {
        var results = new TResult[requests.Count];
        var refused = new bool[requests.Count];
        var valid = new List<TItem>(requests.Count);
        for (var i = 0; i < requests.Count; i++)
        {
            if (check(requests[i], out var item) is { } error)
            {
                results[i] = refuse(ToRefusal(error));
                refused[i] = true;
            }
            else
            {
                valid.Add(item);
            }
        }

        var stored = valid.Count == 0 ? [] : await storeAll(valid).WaitAsync(cancellation);

        var next = 0;
        for (var i = 0; i < results.Length; i++)
        {
            if (!refused[i])
            {
                results[i] = answer(stored[next++]);
            }
        }

        return results;
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

    /// <summary>Checks one request: null and the item for the store, or the field at fault.</summary>
    private delegate FieldError? Checker<TRequest, TItem>(TRequest request, out TItem item);
}

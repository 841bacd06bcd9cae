using Chat.Rpc;
using Grpc.Core;
using Grpc.Net.ClientFactory;
using Microsoft.Extensions.Options;

namespace Chat.HttpServer.Rpc;

/// <summary>
/// The HTTP server's sends and pulls to the RPC server, each gathered with the others under way into SendBatch and
/// PullBatch calls (<see cref="CallBatcher{TRequest,TReply}"/>). A request fails with the <see cref="RpcException"/>
/// that a single Send or Pull would have thrown: its own refusal, or the status of the batch call that carried it.
/// </summary>
internal sealed class MessageRpc : IAsyncDisposable
{
    /// <summary>The trailer in which the RPC server names a refused field; a refusal in a batch is given the same, so
    /// that <see cref="Api.RpcFailures"/> reads both alike.</summary>
    public const string FieldTrailer = "chat-field";

    private readonly GrpcClientFactory _clients;
    private readonly ChatApiOptions _options;
    private readonly CallBatcher<SendRequest, SendReply> _sends;
    private readonly CallBatcher<PullRequest, PullReply> _pulls;

    public MessageRpc(GrpcClientFactory clients, IOptions<ChatApiOptions> options, BatchTelemetry telemetry)
    {
        _clients = clients;
        _options = options.Value;
        _sends = new CallBatcher<SendRequest, SendReply>(
            "send", SendBatchAsync, telemetry, _options.RpcMaxBatchSize, _options.RpcBatchesInFlight);
        _pulls = new CallBatcher<PullRequest, PullReply>(
            "pull", PullBatchAsync, telemetry, _options.RpcMaxBatchSize, _options.RpcBatchesInFlight);
    }

    public Task<SendReply> SendAsync(SendRequest request, CancellationToken aborted) =>
        _sends.CallAsync(request, DateTime.UtcNow + _options.RpcDeadline, aborted);

    public Task<PullReply> PullAsync(PullRequest request, CancellationToken aborted) =>
        _pulls.CallAsync(request, DateTime.UtcNow + _options.RpcDeadline, aborted);

    public async ValueTask DisposeAsync()
    {
        await _sends.DisposeAsync();
        await _pulls.DisposeAsync();
    }

    private async Task<IReadOnlyList<BatchOutcome<SendReply>>> SendBatchAsync(
        IReadOnlyList<SendRequest> sends, DateTime deadline)
    {
        var request = new SendBatchRequest();
        request.Sends.AddRange(sends);

        var reply = await Client().SendBatchAsync(request, deadline: deadline).ConfigureAwait(false);
        return ToOutcomes(reply.Results, result => result.Reply, result => result.Refusal);
    }

    private async Task<IReadOnlyList<BatchOutcome<PullReply>>> PullBatchAsync(
        IReadOnlyList<PullRequest> pulls, DateTime deadline)
    {
        var request = new PullBatchRequest();
        request.Pulls.AddRange(pulls);

        var reply = await Client().PullBatchAsync(request, deadline: deadline).ConfigureAwait(false);
        return ToOutcomes(reply.Results, result => result.Reply, result => result.Refusal);
    }

    /// <summary>A client from the factory for each batch, so that the factory's rotation of its connections to the
    /// RPC server (which spreads them over the server's replicas) goes on as it does for any typed client.</summary>
    private MessageService.MessageServiceClient Client() =>
        _clients.CreateClient<MessageService.MessageServiceClient>(nameof(MessageService.MessageServiceClient));

    /// <summary>Each result as its reply, or its refusal as the exception a single call would have thrown (field
    /// trailer included). A result with neither is the RPC server's fault, and fails its request as INTERNAL.</summary>
    private static BatchOutcome<TReply>[] ToOutcomes<TResult, TReply>(
        IReadOnlyList<TResult> results, Func<TResult, TReply?> reply, Func<TResult, Refusal?> refusal)
        where TReply : class
    {
        var outcomes = new BatchOutcome<TReply>[results.Count];
        for (var i = 0; i < outcomes.Length; i++)
        {
            outcomes[i] = (reply(results[i]), refusal(results[i])) switch
            {
                ({ } answered, _) => new BatchOutcome<TReply>(answered, null),
                (null, { } refused) => new BatchOutcome<TReply>(null, new RpcException(
                    new Status((StatusCode)refused.StatusCode, refused.Detail),
                    new Metadata { { FieldTrailer, refused.Field } })),
                _ => new BatchOutcome<TReply>(null, new RpcException(
                    new Status(StatusCode.Internal, "The RPC server answered a result with no outcome."))),
            };
        }

        return outcomes;
    }
}

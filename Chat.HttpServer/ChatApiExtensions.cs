using Chat.HttpServer.Api;
using Chat.HttpServer.Rpc;
using Chat.Rpc;
using Grpc.Core;
using Grpc.Health.V1;
using Grpc.Net.Client.Configuration;
using Microsoft.Extensions.Options;

namespace Chat.HttpServer;

public static class ChatApiExtensions
{
    /// <summary>The API's settings, JSON, problem details, and the gRPC clients of the RPC server.</summary>
    public static IHostApplicationBuilder AddChatApi(this IHostApplicationBuilder builder)
    {
        builder.Services.AddOptions<ChatApiOptions>()
            .BindConfiguration(ChatApiOptions.SectionName)
            .Validate(o => o.MaxTextLength > 0 && o.MaxPullLimit > 0 && o.MaxRequestBodyBytes > 0,
                "MaxTextLength, MaxPullLimit and MaxRequestBodyBytes must be positive.")
            .Validate(o => o.RpcDeadline > TimeSpan.Zero, "RpcDeadline must be positive.")
            .Validate(o => o.RpcMaxBatchSize > 0 && o.RpcBatchesInFlight > 0,
                "RpcMaxBatchSize and RpcBatchesInFlight must be positive.")
            .Validate(o => o.HeartbeatInterval > TimeSpan.Zero && o.ReconnectDelay >= TimeSpan.Zero,
                "HeartbeatInterval must be positive and ReconnectDelay not negative.")
            .Validate(o => o.MaxSubscriptionsPerClient > 0, "MaxSubscriptionsPerClient must be positive.")
            .Validate(o => o.RateLimitPerSecond >= 0 && o.RateLimitBurst >= o.RateLimitPerSecond,
                "RateLimitPerSecond must be 0 or more, and RateLimitBurst at least as large.")
            .ValidateOnStart();

        builder.Services.AddOptions<Microsoft.AspNetCore.Server.Kestrel.Core.KestrelServerOptions>()
            .Configure<IOptions<ChatApiOptions>>((kestrel, api) =>
                kestrel.Limits.MaxRequestBodySize = api.Value.MaxRequestBodyBytes);

        builder.Services.ConfigureHttpJsonOptions(ConfigureJson);
        builder.Services.AddProblemDetails(problems => problems.CustomizeProblemDetails = DescribeRoutingProblem);
        builder.Services.AddExceptionHandler<ApiExceptionHandler>();
        builder.Services.AddClientRateLimit();

        // RemoveAllResilienceHandlers is marked experimental; it is the documented way to opt one client out of the
        // defaults, and the retry policy below replaces what it removes.
#pragma warning disable EXTEXP0001
        builder.Services.AddGrpcClient<MessageService.MessageServiceClient>(ConfigureRpcAddress)
            .ConfigureChannel(channel =>
                channel.ServiceConfig = new ServiceConfig { MethodConfigs = { RetryPolicy() } })
            // Each subscription holds an HTTP/2 stream for as long as it lasts; past the server's streams per
            // connection, more connections are opened instead of queueing new calls behind them.
            .ConfigurePrimaryHttpMessageHandler(() => new SocketsHttpHandler { EnableMultipleHttp2Connections = true })
            .RemoveAllResilienceHandlers()
            .RemoveAllLoggers();
        builder.Services.AddGrpcClient<Health.HealthClient>(ConfigureRpcAddress)
            .RemoveAllResilienceHandlers()
            .RemoveAllLoggers();
#pragma warning restore EXTEXP0001
        builder.Services.AddSingleton<BatchTelemetry>();
        builder.Services.AddSingleton<MessageRpc>();
        builder.Services.AddSingleton<SubscriptionLimiter>();
        builder.Services.AddHealthChecks().AddCheck<RpcServerHealthCheck>("rpcserver");

        return builder;
    }

    /// <summary>404 and 405 come from routing, with no detail of their own; say what the API does have.</summary>
    /// <summary>The API's JSON: its types' source-generated metadata and the contract's snake_case names.</summary>
    internal static void ConfigureJson(Microsoft.AspNetCore.Http.Json.JsonOptions json)
    {
        json.SerializerOptions.TypeInfoResolverChain.Insert(0, ApiJsonContext.Default);
        json.SerializerOptions.PropertyNamingPolicy = System.Text.Json.JsonNamingPolicy.SnakeCaseLower;
    }

    private static void DescribeRoutingProblem(ProblemDetailsContext context)
    {
        if (context.ProblemDetails.Detail is not null)
        {
            return;
        }

        var request = context.HttpContext.Request;
        context.ProblemDetails.Detail = context.ProblemDetails.Status switch
        {
            StatusCodes.Status404NotFound => $"There is nothing at {request.Path}. The API has GET /ping, "
                + "POST /api/send, GET /api/pull and GET /api/subscribe.",
            StatusCodes.Status405MethodNotAllowed => $"{request.Path} does not take {request.Method}. The API has "
                + "GET /ping, POST /api/send, GET /api/pull and GET /api/subscribe.",
            _ => context.ProblemDetails.Title,
        };
    }

    private static void ConfigureRpcAddress(
        IServiceProvider services, Grpc.Net.ClientFactory.GrpcClientFactoryOptions client) =>
        client.Address = services.GetRequiredService<IOptions<ChatApiOptions>>().Value.RpcServerAddress;

    /// <summary>
    /// gRPC's own retries, inside the call's deadline: a replica that is restarting answers UNAVAILABLE, and another
    /// attempt usually reaches one that is up. Sends are safe to retry because each carries an idempotency key.
    /// The HTTP resilience handler that the service defaults add to every client is removed from these clients: it
    /// does not know gRPC's status codes, and its own timeouts would fight the deadline. So are HttpClient's
    /// per-request log lines: four Information lines for every call would cost more than the call (the gRPC client
    /// logs its own failures).
    /// </summary>
    private static MethodConfig RetryPolicy() => new()
    {
        Names = { MethodName.Default },
        RetryPolicy = new Grpc.Net.Client.Configuration.RetryPolicy
        {
            MaxAttempts = 3,
            InitialBackoff = TimeSpan.FromMilliseconds(100),
            MaxBackoff = TimeSpan.FromSeconds(1),
            BackoffMultiplier = 2,
            RetryableStatusCodes = { StatusCode.Unavailable },
        },
    };
}

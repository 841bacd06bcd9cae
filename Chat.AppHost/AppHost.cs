using Chat.AppHost.Probes;
using Chat.AppHost.Redis;

var builder = DistributedApplication.CreateBuilder(args);

var redis = builder.AddChatRedis("redis");

var rpcServer = builder.AddProject<Projects.Chat_RpcServer>("rpcserver")
    .WithReference(redis)
    .WaitFor(redis)
    .WithGrpcHealthCheck();

if (builder.ExecutionContext.IsRunMode)
{
    // Locally the HTTP server calls the RPC server's own port, not the orchestrator's proxy in front of it: a proxy
    // accepts connections even while the RPC server is down, which turns "unavailable" (503) into a timeout (504).
    rpcServer.WithEndpoint("http", endpoint =>
    {
        endpoint.IsProxied = false;
        endpoint.Port = null;
    });
}

builder.AddProject<Projects.Chat_HttpServer>("httpserver")
    .WithReference(rpcServer)
    .WaitFor(rpcServer)
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health");

builder.Build().Run();

using Chat.AppHost.Probes;
using Chat.AppHost.Publishing;
using Chat.AppHost.Redis;

var builder = DistributedApplication.CreateBuilder(args);

var redis = builder.AddChatRedis("redis");

var rpcServer = builder.AddProject<Projects.Chat_RpcServer>("rpcserver")
    .PublishAsClusterService(ReferenceEnvironmentInjectionFlags.ConnectionString)
    .WithReference(redis)
    .WaitFor(redis)
    .WithGrpcHealthCheck();

var httpServer = builder.AddProject<Projects.Chat_HttpServer>("httpserver")
    .PublishAsClusterService(ReferenceEnvironmentInjectionFlags.ServiceDiscovery)
    .WithReference(rpcServer)
    .WaitFor(rpcServer)
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health");

if (builder.ExecutionContext.IsRunMode)
{
    // Locally the HTTP server calls the RPC server's own port, not the orchestrator's proxy in front of it: a proxy
    // accepts connections even while the RPC server is down, which turns "unavailable" (503) into a timeout (504).
    rpcServer.WithEndpoint("http", endpoint =>
    {
        endpoint.IsProxied = false;
        endpoint.Port = null;
    });

    // No load balancer routes around a local process, so there is nothing to drain for: stop at once.
    rpcServer.WithEnvironment("Shutdown__DrainDelay", "00:00:00");
    httpServer.WithEnvironment("Shutdown__DrainDelay", "00:00:00");
}

builder.Build().Run();

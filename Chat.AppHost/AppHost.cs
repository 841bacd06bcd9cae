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

builder.AddProject<Projects.Chat_HttpServer>("httpserver")
    .PublishAsClusterService(ReferenceEnvironmentInjectionFlags.ServiceDiscovery)
    .WithReference(rpcServer)
    .WaitFor(rpcServer)
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health");

builder.Build().Run();

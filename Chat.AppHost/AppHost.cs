using Chat.AppHost.Probes;
using Chat.AppHost.Redis;

var builder = DistributedApplication.CreateBuilder(args);

var redis = builder.AddChatRedis("redis");

var rpcServer = builder.AddProject<Projects.Chat_RpcServer>("rpcserver")
    .WithReference(redis)
    .WaitFor(redis)
    .WithGrpcHealthCheck();

builder.AddProject<Projects.Chat_HttpServer>("httpserver")
    .WithReference(rpcServer)
    .WaitFor(rpcServer)
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health");

builder.Build().Run();

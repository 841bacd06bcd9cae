using Chat.RpcServer;
using Chat.RpcServer.Grpc;

SocketCompletions.PreferInline();

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddMessageStore();
builder.Services.AddGrpc(options => options.Interceptors.Add<StoreFaultInterceptor>());
builder.Services.AddGrpcHealthChecks(health => health.Services.Map(
    GrpcHealthServices.Alive, check => check.Tags.Contains(ServiceDefaultsExtensions.LiveTag)));

var app = builder.Build();

app.MapGrpcService<MessageGrpcService>();
app.MapGrpcHealthChecksService();
app.MapDefaultEndpoints();

app.Run();

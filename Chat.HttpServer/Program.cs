using Chat.HttpServer;
using Chat.HttpServer.Api;

SocketCompletions.PreferInline();

var builder = WebApplication.CreateBuilder(args);

builder.AddServiceDefaults();
builder.AddChatApi();

var app = builder.Build();

app.UseExceptionHandler();
app.UseStatusCodePages();
app.UseRateLimiter();
app.UseDefaultFiles();
app.UseStaticFiles();
app.MapChatApi();
app.MapDefaultEndpoints();

app.Run();

using Chat.RpcServer.Grpc;
using Chat.RpcServer.Storage;

namespace Chat.RpcServer;

public static class MessageStoreExtensions
{
    /// <summary>The Redis connection named "redis", the store over it, its settings and its metrics.</summary>
    public static IHostApplicationBuilder AddMessageStore(this IHostApplicationBuilder builder)
    {
        builder.AddRedisClient("redis");

        builder.Services.AddOptions<StoreOptions>()
            .BindConfiguration(StoreOptions.SectionName)
            .Validate(o => o.MaxTextLength > 0 && o.MaxPageSize > 0, "MaxTextLength and MaxPageSize must be positive.")
            .Validate(o => o.ClientKeyRetention >= TimeSpan.FromMinutes(10), "ClientKeyRetention must be >= 10 minutes.")
            .Validate(o => o.RequestKeyRetention >= TimeSpan.FromSeconds(1), "RequestKeyRetention must be >= 1 second.")
            .ValidateOnStart();

        builder.Services.AddSingleton<StoreMetrics>();
        builder.Services.AddSingleton<MessageStore>();
        builder.Services.AddSingleton<StoreFaultInterceptor>();
        return builder;
    }
}

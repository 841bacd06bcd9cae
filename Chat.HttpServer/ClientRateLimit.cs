using System.Net;
using System.Threading.RateLimiting;
using Chat.HttpServer.Api;
using Microsoft.AspNetCore.RateLimiting;
using Microsoft.Extensions.Options;

namespace Chat.HttpServer;

/// <summary>
/// A token bucket per client address (<see cref="ChatApiOptions.RateLimitPerSecond"/> and
/// <see cref="ChatApiOptions.RateLimitBurst"/>) in front of every endpoint but the health probes. A refused request
/// gets 429, a Retry-After header and a problem body. Behind a reverse proxy every client shares the proxy's address
/// unless forwarded headers from trusted proxies are applied first.
/// </summary>
internal static class ClientRateLimit
{
    public static IServiceCollection AddClientRateLimit(this IServiceCollection services)
    {
        services.AddRateLimiter(_ => { });
        services.AddOptions<RateLimiterOptions>().Configure<IOptions<ChatApiOptions>>((limiter, api) =>
        {
            var settings = api.Value;
            limiter.RejectionStatusCode = StatusCodes.Status429TooManyRequests;
            limiter.OnRejected = (rejected, _) => RejectAsync(rejected, settings);
            if (settings.RateLimitPerSecond > 0)
            {
                limiter.GlobalLimiter = PartitionedRateLimiter.Create<HttpContext, IPAddress>(context =>
                    RateLimitPartition.GetTokenBucketLimiter(
                        context.Connection.RemoteIpAddress ?? IPAddress.None,
                        _ => new TokenBucketRateLimiterOptions
                        {
                            TokenLimit = settings.RateLimitBurst,
                            TokensPerPeriod = settings.RateLimitPerSecond,
                            ReplenishmentPeriod = TimeSpan.FromSeconds(1),
                            QueueLimit = 0,
                        }));
            }
        });

        return services;
    }

    private static async ValueTask RejectAsync(OnRejectedContext rejected, ChatApiOptions settings)
    {
        var retryAfter = rejected.Lease.TryGetMetadata(MetadataName.RetryAfter, out var wait)
            ? wait
            : TimeSpan.FromSeconds(1);
        await Problems.TooManyRequests(rejected.HttpContext, retryAfter, settings).ExecuteAsync(rejected.HttpContext);
    }
}

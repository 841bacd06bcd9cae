using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Chat.AppHost.Redis;

/// <summary>Healthy once the local server answers PING, so that the RPC server starts only after it.</summary>
internal sealed class LocalRedisHealthCheck(LocalRedisServerResource resource) : IHealthCheck, IDisposable
{
    private ConnectionMultiplexer? _connection;

    public async Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            if (_connection is null)
            {
                var connectionString = await resource.ConnectionStringExpression.GetValueAsync(cancellationToken);
                var options = ConfigurationOptions.Parse(connectionString!);
                options.AbortOnConnectFail = true;
                options.ConnectTimeout = 2000;
                _connection = await ConnectionMultiplexer.ConnectAsync(options);
            }

            await _connection.GetDatabase().PingAsync();
            return HealthCheckResult.Healthy();
        }
        catch (RedisConnectionException exception)
        {
            return HealthCheckResult.Unhealthy("The local Redis server does not answer yet.", exception);
        }
    }

    public void Dispose() => _connection?.Dispose();
}

using Grpc.Health.V1;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Chat.HttpServer.Rpc;

/// <summary>Ready only while the RPC server says it is serving, over the standard gRPC health service.</summary>
internal sealed class RpcServerHealthCheck(Health.HealthClient health) : IHealthCheck
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(2);

    public async Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var reply = await health.CheckAsync(
                new HealthCheckRequest(), deadline: DateTime.UtcNow + Deadline, cancellationToken: cancellationToken);
            return reply.Status == HealthCheckResponse.Types.ServingStatus.Serving
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"The RPC server reports {reply.Status}.");
        }
        catch (Grpc.Core.RpcException exception)
        {
            return HealthCheckResult.Unhealthy($"The RPC server did not answer: {exception.StatusCode}.");
        }
    }
}

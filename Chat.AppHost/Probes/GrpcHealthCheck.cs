using Grpc.Health.V1;
using Grpc.Net.Client;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Chat.AppHost.Probes;

/// <summary>
/// Asks a resource's standard gRPC health service whether it is serving. The RPC server's endpoint speaks HTTP/2
/// only, so the HTTP health check the app host offers (HTTP/1.1) cannot reach it.
/// </summary>
internal sealed class GrpcHealthCheck(EndpointReference endpoint) : IHealthCheck, IDisposable
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(2);

    private GrpcChannel? _channel;

    public async Task<HealthCheckResult> CheckHealthAsync(
        HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        // The endpoint's address is known only once the orchestrator has allocated it, so the channel is made late.
        _channel ??= GrpcChannel.ForAddress(endpoint.Url);
        try
        {
            var reply = await new Health.HealthClient(_channel).CheckAsync(
                new HealthCheckRequest(), deadline: DateTime.UtcNow + Deadline, cancellationToken: cancellationToken);
            return reply.Status == HealthCheckResponse.Types.ServingStatus.Serving
                ? HealthCheckResult.Healthy()
                : HealthCheckResult.Unhealthy($"gRPC health reports {reply.Status}.");
        }
        catch (Grpc.Core.RpcException exception)
        {
            return HealthCheckResult.Unhealthy($"gRPC health did not answer: {exception.StatusCode}.");
        }
    }

    public void Dispose() => _channel?.Dispose();
}

using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Chat.AppHost.Probes;

internal static class GrpcHealthCheckExtensions
{
    /// <summary>Healthy while the resource's gRPC health service (on the "http" endpoint) reports SERVING.</summary>
    public static IResourceBuilder<ProjectResource> WithGrpcHealthCheck(this IResourceBuilder<ProjectResource> builder)
    {
        var endpoint = builder.GetEndpoint("http");
        var key = $"{builder.Resource.Name}_grpc_health";
        builder.ApplicationBuilder.Services.AddHealthChecks()
            .Add(new HealthCheckRegistration(key, _ => new GrpcHealthCheck(endpoint), failureStatus: null, tags: null));

        return builder.WithHealthCheck(key);
    }
}

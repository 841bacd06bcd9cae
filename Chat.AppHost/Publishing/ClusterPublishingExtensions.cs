namespace Chat.AppHost.Publishing;

/// <summary>
/// How a chat service appears in the published manifest, which deployment tools such as Aspirate turn into cluster
/// objects. Run mode is left as it is.
/// </summary>
internal static class ClusterPublishingExtensions
{
    /// <summary>The port the services listen on in a container: the default of the .NET container images.</summary>
    public const int ContainerHttpPort = 8080;

    private const string HttpEndpoint = "http";
    private const string HttpsEndpoint = "https";

    /// <summary>
    /// One plain HTTP endpoint on <see cref="ContainerHttpPort"/> (a cluster terminates TLS at its edge, and a
    /// declared https port would be one that nothing listens on), and only the <paramref name="references"/> this
    /// service reads from the resources it references. Call it before WithReference: a connection string reference
    /// reads the flags when it is added.
    /// </summary>
    public static IResourceBuilder<ProjectResource> PublishAsClusterService(
        this IResourceBuilder<ProjectResource> builder, ReferenceEnvironmentInjectionFlags references)
    {
        if (!builder.ApplicationBuilder.ExecutionContext.IsPublishMode)
        {
            return builder;
        }

        var https = builder.Resource.Annotations.OfType<EndpointAnnotation>()
            .Where(endpoint => endpoint.Name == HttpsEndpoint)
            .ToList();
        foreach (var endpoint in https)
        {
            builder.Resource.Annotations.Remove(endpoint);
        }

        return builder
            .WithEndpoint(HttpEndpoint, endpoint => endpoint.TargetPort = ContainerHttpPort)
            .WithReferenceEnvironment(references);
    }
}

namespace Chat.AppHost.Redis;

/// <summary>
/// A Redis-compatible server run as a local process (redis-server or Garnet) where no container runtime is at hand.
/// Its connection string has the same form as the Redis container's, so the services cannot tell the difference.
/// </summary>
internal sealed class LocalRedisServerResource(string name, string command, string workingDirectory)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    public const string EndpointName = "tcp";

    private EndpointReference? _endpoint;

    public EndpointReference Endpoint => _endpoint ??= new EndpointReference(this, EndpointName);

    public ReferenceExpression ConnectionStringExpression =>
        ReferenceExpression.Create($"{Endpoint.Property(EndpointProperty.HostAndPort)}");
}

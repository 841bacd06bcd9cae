namespace Chat.RpcServer.Grpc;

/// <summary>
/// Service names of the standard gRPC health service, for probes that cannot speak HTTP/1.1 to this HTTP/2-only
/// endpoint: the unnamed service "" is readiness (every check, Redis included), as /health is over HTTP.
/// </summary>
public static class GrpcHealthServices
{
    /// <summary>
    /// Liveness, as /alive is over HTTP: only the process's own checks, so that a Redis outage restarts nothing.
    /// </summary>
    public const string Alive = "alive";
}

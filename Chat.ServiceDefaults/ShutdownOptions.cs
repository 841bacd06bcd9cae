namespace Microsoft.Extensions.Hosting;

/// <summary>How a service stops on SIGTERM, bound from the "Shutdown" configuration section.</summary>
public sealed class ShutdownOptions
{
    public const string SectionName = "Shutdown";

    /// <summary>
    /// How long the service keeps serving, with /health already reporting unhealthy, before it stops accepting
    /// connections: the time an orchestrator needs to see it is not ready and send new requests elsewhere.
    /// </summary>
    public TimeSpan DrainDelay { get; set; } = TimeSpan.FromSeconds(5);

    /// <summary>
    /// The most the whole stop may take, drain delay included; requests still running then are cut. Below
    /// Kubernetes' default grace period of 30 s, so that the process exits before it would be killed.
    /// </summary>
    public TimeSpan Timeout { get; set; } = TimeSpan.FromSeconds(25);
}

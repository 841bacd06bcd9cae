using System.Globalization;
using Grpc.Core;
using Grpc.Health.V1;
using k8s.Models;

namespace Chat.Tests.Deployment.Rehearsal;

/// <summary>
/// Runs a container's probe the way the kubelet does: HTTP, gRPC and TCP checks from the node's network namespace to
/// the pod's address; exec checks inside the pod with the container's environment.
/// </summary>
internal sealed class ProbeRunner(PodNetwork network)
{
    private static readonly TimeSpan DefaultProbeTimeout = TimeSpan.FromSeconds(1);

    public async Task<ProbeResult> RunAsync(
        V1Probe probe, V1Container container, Pod pod, IReadOnlyDictionary<string, string> environment)
    {
        var timeout = TimeSpan.FromSeconds(Math.Max(probe.TimeoutSeconds ?? 1, DefaultProbeTimeout.TotalSeconds));
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            return probe switch
            {
                { HttpGet: { } http } => await HttpAsync(http, container, pod, deadline.Token),
                { Grpc: { } grpc } => await GrpcAsync(grpc, pod, deadline.Token),
                { TcpSocket: { } tcp } => await TcpAsync(tcp, container, pod, deadline.Token),
                { Exec: { } exec } => await ExecAsync(exec, pod, environment, timeout),
                _ => throw new NotSupportedException("A probe with no handler."),
            };
        }
        catch (Exception exception) when (exception is HttpRequestException or RpcException
            or OperationCanceledException or TimeoutException or IOException)
        {
            return ProbeResult.Fail(exception.Message);
        }
    }

    private async Task<ProbeResult> HttpAsync(
        V1HTTPGetAction http, V1Container container, Pod pod, CancellationToken token)
    {
        using var client = NamespacedConnections.HttpClient(network.NodeNamespace);
        var port = Port(http.Port, container);
        using var response = await client.GetAsync(new Uri($"http://{pod.Address}:{port}{http.Path}"), token);
        var status = (int)response.StatusCode;
        return status is >= 200 and < 400 ? ProbeResult.Pass : ProbeResult.Fail($"HTTP {status}");
    }

    private async Task<ProbeResult> GrpcAsync(V1GRPCAction grpc, Pod pod, CancellationToken token)
    {
        using var channel = NamespacedConnections.GrpcChannel(
            network.NodeNamespace, new Uri($"http://{pod.Address}:{grpc.Port}"));
        var reply = await new Health.HealthClient(channel).CheckAsync(
            new HealthCheckRequest { Service = grpc.Service ?? string.Empty }, cancellationToken: token);
        return reply.Status == HealthCheckResponse.Types.ServingStatus.Serving
            ? ProbeResult.Pass
            : ProbeResult.Fail($"gRPC health {reply.Status}");
    }

    private async Task<ProbeResult> TcpAsync(
        V1TCPSocketAction tcp, V1Container container, Pod pod, CancellationToken token)
    {
        var port = Port(tcp.Port, container);
        return await NamespacedConnections.CanConnectAsync(network.NodeNamespace, pod.Address, port, token)
            ? ProbeResult.Pass
            : ProbeResult.Fail("connection refused");
    }

    private static async Task<ProbeResult> ExecAsync(
        V1ExecAction exec, Pod pod, IReadOnlyDictionary<string, string> environment, TimeSpan timeout)
    {
        var result = await CommandLine.TryRunAsync(
            "ip", ["netns", "exec", pod.Namespace, .. exec.Command], environment: environment, timeout: timeout);
        return result.ExitCode == 0 ? ProbeResult.Pass : ProbeResult.Fail(result.ToString());
    }

    private static int Port(IntOrString port, V1Container container) =>
        int.TryParse(port.Value, NumberStyles.None, CultureInfo.InvariantCulture, out var number)
            ? number
            : container.Ports.Single(p => p.Name == port.Value).ContainerPort;
}

public sealed record ProbeResult(bool Passed, string Detail)
{
    public static ProbeResult Pass { get; } = new(true, "passed");

    public static ProbeResult Fail(string detail) => new(false, detail);
}

using System.Globalization;
using k8s.Models;
using Microsoft.Extensions.Hosting;

namespace Chat.Tests.Deployment;

/// <summary>
/// The rendered overlay hangs together: what selects what, which ports meet, which names the configuration points at,
/// and what a production cluster needs of every workload.
/// </summary>
public sealed class OverlayWiringTests
{
    private static readonly string[] ChatServices = ["rpcserver", "httpserver"];

    private static Task<RenderedObjects> OverlayAsync() =>
        KubernetesManifests.RenderObjectsAsync(RepositoryLayout.Overlay);

    [Fact]
    public async Task Workload_selectors_match_their_own_pod_labels()
    {
        var overlay = await OverlayAsync();

        Assert.All(overlay.Workloads, workload => Assert.True(
            workload.Selects(workload.Template.Metadata.Labels), $"{workload.Name} does not select its own pods."));
    }

    [Fact]
    public async Task Every_Service_selects_one_workload_and_targets_its_container_ports()
    {
        var overlay = await OverlayAsync();

        foreach (var service in overlay.OfKind<V1Service>())
        {
            var workload = Assert.Single(overlay.Workloads, w => w.IsSelectedBy(service.Spec.Selector));
            var containerPorts = workload.Container.Ports;
            Assert.All(service.Spec.Ports, port => Assert.Contains(containerPorts, container =>
                container.ContainerPort.ToString(CultureInfo.InvariantCulture) == port.TargetPort.Value
                || container.Name == port.TargetPort.Value));
        }
    }

    [Fact]
    public async Task HTTP_server_finds_the_RPC_server_Service_on_its_gRPC_port()
    {
        var overlay = await OverlayAsync();
        var environment = PodEnvironment.Of(overlay, overlay.Workload("httpserver"), Secrets.None);

        var address = new Uri(environment["services__rpcserver__http__0"]);

        var port = ServicePort(overlay, address.Host, address.Port);
        Assert.Equal("http", address.Scheme);
        var selector = Service(overlay, address.Host).Spec.Selector;
        Assert.Equal("rpcserver", overlay.Workloads.Single(w => w.IsSelectedBy(selector)).Name);
        Assert.NotNull(port.TargetPort);
    }

    [Fact]
    public async Task RPC_server_connection_string_names_the_Redis_Service_and_the_Secret_password()
    {
        var overlay = await OverlayAsync();
        var secrets = new Secrets { ["redis-auth/password"] = "s3cret" };
        var environment = PodEnvironment.Of(overlay, overlay.Workload("rpcserver"), secrets);

        var parts = environment["ConnectionStrings__redis"].Split(',');

        var endpoint = parts[0].Split(':');
        ServicePort(overlay, endpoint[0], int.Parse(endpoint[1], CultureInfo.InvariantCulture));
        Assert.Contains("password=s3cret", parts);
        Assert.Equal("s3cret", PodEnvironment.Of(overlay, overlay.Workload("redis"), secrets)["REDIS_PASSWORD"]);
    }

    [Fact]
    public async Task Every_container_has_startup_readiness_and_liveness_probes_and_resources()
    {
        var overlay = await OverlayAsync();

        Assert.All(overlay.Workloads.Select(w => w.Container), container =>
        {
            Assert.NotNull(container.StartupProbe);
            Assert.NotNull(container.ReadinessProbe);
            Assert.NotNull(container.LivenessProbe);
            Assert.Contains("cpu", container.Resources.Requests.Keys);
            Assert.Contains("memory", container.Resources.Requests.Keys);
            Assert.Contains("memory", container.Resources.Limits.Keys);
        });
    }

    [Fact]
    public async Task Probes_use_the_health_endpoints_each_service_serves()
    {
        var overlay = await OverlayAsync();

        var http = overlay.Workload("httpserver").Container;
        Assert.Equal("/alive", http.LivenessProbe.HttpGet.Path);
        Assert.Equal("/alive", http.StartupProbe.HttpGet.Path);
        Assert.Equal("/health", http.ReadinessProbe.HttpGet.Path);
        var rpc = overlay.Workload("rpcserver").Container;
        Assert.Equal(Chat.RpcServer.Grpc.GrpcHealthServices.Alive, rpc.LivenessProbe.Grpc.Service);
        Assert.Equal(Chat.RpcServer.Grpc.GrpcHealthServices.Alive, rpc.StartupProbe.Grpc.Service);
        Assert.True(string.IsNullOrEmpty(rpc.ReadinessProbe.Grpc.Service));
        Assert.All(new[] { rpc.LivenessProbe, rpc.StartupProbe, rpc.ReadinessProbe },
            probe => Assert.Equal(8080, probe.Grpc.Port));
    }

    [Theory]
    [MemberData(nameof(ChatServiceNames))]
    public async Task Chat_service_runs_two_replicas_and_rolls_out_without_losing_one(string name)
    {
        var deployment = (await OverlayAsync()).Named<V1Deployment>(name);

        Assert.True(deployment.Spec.Replicas >= 2);
        Assert.Equal("RollingUpdate", deployment.Spec.Strategy.Type);
        Assert.Equal("0", deployment.Spec.Strategy.RollingUpdate.MaxUnavailable.Value);
    }

    [Theory]
    [MemberData(nameof(ChatServiceNames))]
    public async Task Chat_service_drains_before_it_stops(string name)
    {
        var spec = (await OverlayAsync()).Named<V1Deployment>(name).Spec.Template.Spec;

        var preStop = spec.Containers.Single().Lifecycle.PreStop.Sleep.Seconds;
        Assert.True(preStop > 0);
        var shutdown = new ShutdownOptions().Timeout.TotalSeconds;
        Assert.True(
            spec.TerminationGracePeriodSeconds > preStop + shutdown, "Grace must cover the pre-stop delay and stop.");
    }

    [Theory]
    [MemberData(nameof(ChatServiceNames))]
    public async Task Chat_service_has_an_autoscaler_and_a_disruption_budget(string name)
    {
        var overlay = await OverlayAsync();
        var workload = overlay.Workload(name);

        var autoscaler = Assert.Single(overlay.OfKind<V2HorizontalPodAutoscaler>(),
            hpa => hpa.Spec.ScaleTargetRef.Kind == "Deployment" && hpa.Spec.ScaleTargetRef.Name == name);
        Assert.True(autoscaler.Spec.MinReplicas >= 2);
        Assert.True(autoscaler.Spec.MaxReplicas > autoscaler.Spec.MinReplicas);
        var budget = Assert.Single(overlay.OfKind<V1PodDisruptionBudget>(),
            pdb => workload.IsSelectedBy(pdb.Spec.Selector.MatchLabels));
        Assert.Equal("1", budget.Spec.MinAvailable.Value);
    }

    [Fact]
    public async Task Redis_is_a_StatefulSet_with_a_persistent_volume_the_append_only_file_and_hz_up()
    {
        var overlay = await OverlayAsync();

        var redis = overlay.Named<V1StatefulSet>("redis");

        var claim = Assert.Single(redis.Spec.VolumeClaimTemplates);
        var mount = Assert.Single(redis.Spec.Template.Spec.Containers.Single().VolumeMounts);
        Assert.Equal(claim.Metadata.Name, mount.Name);
        Assert.Equal("/data", mount.MountPath);
        var command = string.Join(' ', redis.Spec.Template.Spec.Containers.Single().Args);
        Assert.Contains("--appendonly yes", command);
        Assert.Contains("--hz 100", command);
        Assert.Contains("--requirepass", command);
    }

    [Fact]
    public async Task HTTP_server_is_reachable_from_outside_through_a_LoadBalancer()
    {
        var overlay = await OverlayAsync();

        var external = Assert.Single(overlay.OfKind<V1Service>(), s => s.Spec.Type == "LoadBalancer");

        Assert.Equal("httpserver", overlay.Workloads.Single(w => w.IsSelectedBy(external.Spec.Selector)).Name);
    }

    public static TheoryData<string> ChatServiceNames() => new(ChatServices);

    private static V1Service Service(RenderedObjects overlay, string host) =>
        overlay.Named<V1Service>(host.Split('.')[0]);

    private static V1ServicePort ServicePort(RenderedObjects overlay, string host, int port) =>
        Assert.Single(Service(overlay, host).Spec.Ports, p => p.Port == port);
}

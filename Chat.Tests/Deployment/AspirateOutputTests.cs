using System.Text.Json.Nodes;
using k8s.Models;

namespace Chat.Tests.Deployment;

/// <summary>
/// aspirate-output/ is what Aspirate writes for the app host as it is now, and aspire-manifest.json is what the app
/// host publishes. A change to the app host without regenerating both fails here.
/// </summary>
public sealed class AspirateOutputTests
{
    private static readonly string[] ReadableTypes = ["project.v0", "container.v0", "parameter.v0", "value.v0"];

    [Fact]
    public async Task Committed_manifest_is_what_the_app_host_publishes()
    {
        var published = await AspireManifest.PublishedAsync();

        Assert.True(
            JsonNode.DeepEquals(AspireManifest.Committed(), published),
            "aspire-manifest.json is stale; regenerate it (docs/deploy.md). The app host publishes:\n" + published);
    }

    [Fact]
    public async Task Manifest_holds_only_what_Aspirate_reads_and_gRPC_is_on_the_http_endpoint()
    {
        var resources = AspireManifest.Resources(await AspireManifest.PublishedAsync()).ToDictionary();

        Assert.All(resources, pair => Assert.Contains(AspirateProjection.Type(pair.Value), ReadableTypes));
        Assert.DoesNotContain(resources.Values, resource => AspirateProjection.Type(resource) == "parameter.v0");
        var rpcBindings = AspirateProjection.Bindings(resources["rpcserver"]).ToList();
        var http = Assert.Single(rpcBindings);
        Assert.Equal("http", http.Name);
        Assert.Equal("http2", resources["rpcserver"]["bindings"]!["http"]!["transport"]!.GetValue<string>());
    }

    [Fact]
    public async Task Published_Redis_turns_the_append_only_file_on_and_hz_up_inside_its_shell_command()
    {
        var manifest = await AspireManifest.PublishedAsync();
        var redis = AspireManifest.Resources(manifest).Single(pair => pair.Key == "redis").Value;

        var args = redis["args"]!.AsArray().Select(arg => arg!.GetValue<string>()).ToList();

        Assert.Equal("/bin/sh", redis["entrypoint"]!.GetValue<string>());
        Assert.Equal(["-c"], args.Take(1));
        var command = Assert.Single(args.Skip(1));
        Assert.StartsWith("redis-server ", command);
        Assert.Contains("--appendonly yes", command);
        Assert.Contains("--hz 100", command);
    }

    [Fact]
    public async Task Aspirate_output_has_a_folder_per_workload_and_the_namespace_and_dashboard()
    {
        var expected = await AspirateProjection.OfPublishedManifestAsync();

        var root = KustomizationFile.Read(RepositoryLayout.AspirateOutput);

        Assert.Equal(AspirateProjection.Namespace, root.Namespace);
        Assert.Equal([.. expected.Select(w => w.Name), "namespace.yaml", "dashboard.yaml"], root.Resources);
        Assert.True(root.GeneratorOptions?.DisableNameSuffixHash);
        Assert.Null(root.ConfigMapGenerator);
        var files = Directory.EnumerateFiles(RepositoryLayout.AspirateOutput, "*", SearchOption.AllDirectories)
            .Select(file => Path.GetRelativePath(RepositoryLayout.AspirateOutput, file).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);
        var expectedFiles = expected
            .SelectMany(w => new[] { "kustomization.yaml", $"{w.Kind.ToLowerInvariant()}.yaml", "service.yaml" }
                .Select(file => $"{w.Name}/{file}"))
            .Concat(["kustomization.yaml", "namespace.yaml", "dashboard.yaml"])
            .Order(StringComparer.Ordinal);
        Assert.Equal(expectedFiles, files);
    }

    [Fact]
    public async Task Aspirate_output_configMap_literals_match_the_manifest()
    {
        foreach (var workload in await AspirateProjection.OfPublishedManifestAsync())
        {
            var kustomization = KustomizationFile.Read(Path.Combine(RepositoryLayout.AspirateOutput, workload.Name));

            Assert.Equal([$"{workload.Kind.ToLowerInvariant()}.yaml", "service.yaml"], kustomization.Resources);
            Assert.True(kustomization.GeneratorOptions?.DisableNameSuffixHash);
            var generator = Assert.Single(kustomization.ConfigMapGenerator ?? []);
            Assert.Equal($"{workload.Name}-env", generator.Name);
            Assert.Equal(workload.Literals, generator.Literals);
        }
    }

    [Fact]
    public async Task Aspirate_output_workloads_match_the_manifest_images_commands_ports_and_volumes()
    {
        foreach (var expected in await AspirateProjection.OfPublishedManifestAsync())
        {
            var folder = Path.Combine(RepositoryLayout.AspirateOutput, expected.Name);
            var workload = ReadWorkload(folder, expected.Kind);
            var container = Assert.Single(workload.Template.Spec.Containers);

            Assert.Equal(expected.Name, workload.Name);
            Assert.Equal(expected.Name, container.Name);
            Assert.Equal(expected.Image, container.Image);
            Assert.Equal("IfNotPresent", container.ImagePullPolicy);
            Assert.Equal(expected.Entrypoint is null ? null : [expected.Entrypoint], container.Command);
            Assert.Equal(expected.Args.Count == 0 ? null : expected.Args, container.Args);
            Assert.Equal(expected.Ports.Select(p => p.ContainerPort), container.Ports.Select(p => p.ContainerPort));
            if (expected.Kind == "Deployment")
            {
                Assert.Equal(expected.Ports.Select(p => p.Name), container.Ports.Select(p => p.Name));
            }

            Assert.Equal($"{expected.Name}-env", Assert.Single(container.EnvFrom).ConfigMapRef.Name);
            Assert.Equal(
                expected.Volumes.Select(v => (v.Name, v.MountPath)),
                (container.VolumeMounts ?? []).Select(m => (m.Name, m.MountPath)));

            var service = Assert.Single(KubernetesManifests.LoadFile(Path.Combine(folder, "service.yaml")));
            var ports = Assert.IsType<V1Service>(service).Spec.Ports;
            Assert.Equal(
                expected.Ports.Select(p => (p.Name, p.ServicePort, p.ContainerPort.ToString())),
                ports.Select(p => (p.Name, p.Port, p.TargetPort.Value)));
        }
    }

    [Fact]
    public void Aspirate_output_dashboard_is_the_image_Aspirate_deploys()
    {
        var objects = KubernetesManifests.LoadFile(Path.Combine(RepositoryLayout.AspirateOutput, "dashboard.yaml"));

        var deployment = Assert.Single(objects.OfType<V1Deployment>());
        Assert.Equal(AspirateProjection.DashboardImage, Assert.Single(deployment.Spec.Template.Spec.Containers).Image);
        var service = Assert.Single(objects.OfType<V1Service>());
        Assert.Equal([18888, 18889], service.Spec.Ports.Select(p => p.Port));
    }

    private static Workload ReadWorkload(string folder, string kind)
    {
        var objects = KubernetesManifests.LoadFile(Path.Combine(folder, $"{kind.ToLowerInvariant()}.yaml"));
        var workloads = new RenderedObjects(objects).Workloads.ToList();
        var workload = Assert.Single(workloads);
        Assert.Equal(kind, workload.Kind);
        return workload;
    }
}

using k8s;
using k8s.Models;

namespace Chat.Tests.Deployment;

/// <summary>
/// Every object Aspirate wrote and every object the overlay renders deserializes strictly into the Kubernetes models:
/// no unknown field, no duplicate key, no kind the API does not define.
/// </summary>
public sealed class KubernetesSchemaTests
{
    public static TheoryData<string> AspirateObjectFiles() =>
        new(Directory.EnumerateFiles(RepositoryLayout.AspirateOutput, "*.yaml", SearchOption.AllDirectories)
            .Where(file => Path.GetFileName(file) != "kustomization.yaml")
            .Select(file => Path.GetRelativePath(RepositoryLayout.AspirateOutput, file).Replace('\\', '/'))
            .Order(StringComparer.Ordinal));

    [Theory]
    [MemberData(nameof(AspirateObjectFiles))]
    public void Aspirate_output_file_holds_only_valid_Kubernetes_objects(string file)
    {
        var objects = KubernetesManifests.LoadFile(Path.Combine(RepositoryLayout.AspirateOutput, file));

        Assert.NotEmpty(objects);
        Assert.All(objects, item => Assert.IsAssignableFrom<IKubernetesObject<V1ObjectMeta>>(item));
    }

    [Fact]
    public async Task Aspirate_output_renders_into_valid_Kubernetes_objects()
    {
        var rendered = await KubernetesManifests.RenderObjectsAsync(RepositoryLayout.AspirateOutput);

        Assert.Equal(
            ["aspire-dashboard", "httpserver", "redis", "rpcserver"],
            rendered.Workloads.Select(w => w.Name).Order(StringComparer.Ordinal));
        Assert.All(rendered.All.OfType<IKubernetesObject<V1ObjectMeta>>().Where(o => o.Kind != "Namespace"),
            item => Assert.Equal(AspirateProjection.Namespace, item.Metadata.NamespaceProperty));
    }

    [Fact]
    public async Task Overlay_renders_into_valid_Kubernetes_objects()
    {
        var rendered = await KubernetesManifests.RenderObjectsAsync(RepositoryLayout.Overlay);

        var kinds = rendered.All.Cast<IKubernetesObject<V1ObjectMeta>>().Select(o => o.Kind).Distinct().Order();
        Assert.Equal(
            ["ConfigMap", "Deployment", "HorizontalPodAutoscaler", "Namespace", "NetworkPolicy", "PodDisruptionBudget",
                "Service", "StatefulSet"],
            kinds);
    }
}

using System.Collections.Concurrent;
using k8s;
using k8s.Models;

namespace Chat.Tests.Deployment;

/// <summary>
/// Kubernetes objects read strictly into the KubernetesClient models: an unknown field, a duplicate key or an unknown
/// kind is an error, as the API server would report it.
/// </summary>
internal static class KubernetesManifests
{
    private static readonly ConcurrentDictionary<string, Lazy<Task<string>>> Rendered = new();

    public static IReadOnlyList<object> Load(string yaml) => KubernetesYaml.LoadAllFromString(yaml, strict: true);

    public static IReadOnlyList<object> LoadFile(string path) => Load(File.ReadAllText(path));

    /// <summary>`kubectl kustomize` of a folder, rendered once per test run.</summary>
    public static Task<string> RenderAsync(string kustomizationDirectory)
    {
        if (!CommandLine.IsInstalled("kubectl"))
        {
            throw new InvalidOperationException(
                "kubectl is not installed; the deployment checks render the kustomizations with `kubectl kustomize`.");
        }

        return Rendered.GetOrAdd(kustomizationDirectory, directory => new Lazy<Task<string>>(
            () => CommandLine.RunAsync("kubectl", ["kustomize", directory]))).Value;
    }

    public static async Task<RenderedObjects> RenderObjectsAsync(string kustomizationDirectory) =>
        new(Load(await RenderAsync(kustomizationDirectory)));
}

/// <summary>The objects of one rendering, looked up by kind and name.</summary>
internal sealed class RenderedObjects(IReadOnlyList<object> objects)
{
    public IReadOnlyList<object> All => objects;

    public IEnumerable<T> OfKind<T>() where T : IKubernetesObject<V1ObjectMeta> => objects.OfType<T>();

    public T Named<T>(string name) where T : IKubernetesObject<V1ObjectMeta> =>
        OfKind<T>().SingleOrDefault(item => item.Metadata.Name == name)
        ?? throw new InvalidOperationException($"No {typeof(T).Name} named {name} in the rendering.");

    /// <summary>Every workload's pod template with the workload's name and kind.</summary>
    public IEnumerable<Workload> Workloads =>
        OfKind<V1Deployment>().Select(d => new Workload(d.Kind, d.Metadata.Name, d.Spec.Selector, d.Spec.Template))
            .Concat(OfKind<V1StatefulSet>()
                .Select(s => new Workload(s.Kind, s.Metadata.Name, s.Spec.Selector, s.Spec.Template)));

    public Workload Workload(string name) => Workloads.Single(workload => workload.Name == name);
}

internal sealed record Workload(string Kind, string Name, V1LabelSelector Selector, V1PodTemplateSpec Template)
{
    public V1Container Container => Template.Spec.Containers.Single();

    /// <summary>Whether a Service's or budget's selector picks this workload's pods.</summary>
    public bool IsSelectedBy(IDictionary<string, string>? selector) =>
        selector is { Count: > 0 } && Template.Metadata.Labels is { } labels
        && selector.All(pair => labels.TryGetValue(pair.Key, out var value) && value == pair.Value);

    /// <summary>Whether this workload's own selector matches <paramref name="labels"/>.</summary>
    public bool Selects(IDictionary<string, string>? labels) =>
        labels is not null
        && Selector.MatchLabels.All(pair => labels.TryGetValue(pair.Key, out var value) && value == pair.Value);
}

using System.Text.Json.Serialization;
using k8s;

namespace Chat.Tests.Deployment;

/// <summary>The fields of a kustomization.yaml that Aspirate writes, read strictly: nothing else may appear.</summary>
internal sealed class KustomizationFile
{
    [JsonPropertyName("namespace")]
    public string? Namespace { get; set; }

    [JsonPropertyName("resources")]
    public List<string> Resources { get; set; } = [];

    [JsonPropertyName("generatorOptions")]
    public GeneratorOptions? GeneratorOptions { get; set; }

    [JsonPropertyName("configMapGenerator")]
    public List<ConfigMapGenerator>? ConfigMapGenerator { get; set; }

    public static KustomizationFile Read(string directory) =>
        KubernetesYaml.Deserialize<KustomizationFile>(
            File.ReadAllText(Path.Combine(directory, "kustomization.yaml")), strict: true);
}

internal sealed class GeneratorOptions
{
    [JsonPropertyName("disableNameSuffixHash")]
    public bool DisableNameSuffixHash { get; set; }
}

internal sealed class ConfigMapGenerator
{
    [JsonPropertyName("name")]
    public string Name { get; set; } = string.Empty;

    [JsonPropertyName("literals")]
    public List<string> Literals { get; set; } = [];
}

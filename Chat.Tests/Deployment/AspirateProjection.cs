using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;

namespace Chat.Tests.Deployment;

/// <summary>
/// What `aspirate generate --non-interactive --skip-build --disable-secrets --image-pull-policy IfNotPresent
/// --include-dashboard true --namespace chat` derives from an Aspire manifest, restated from how Aspirate behaves:
/// <list type="bullet">
/// <item>one workload per project.v0 or container.v0 resource: a StatefulSet for a container with volumes, otherwise
/// a Deployment; parameter.v0 and value.v0 only feed values;</item>
/// <item>a binding without a target port gets 8080 (http) or 8443 (https); a Service port is the binding's port, else
/// its target port;</item>
/// <item>placeholders in env values and connection strings resolve: host is the resource's name, port the port or else
/// the target port, url of the "http" binding is http://name:targetPort and of "https" empty; array strings
/// (args) are left as they are;</item>
/// <item>configMap literals are the resolved env without empty values, then the dashboard's OTLP endpoint and service
/// name, then ASPNETCORE_URLS for projects;</item>
/// <item>a project's image is [ContainerRegistry/]ContainerRepository:ContainerImageTag from MSBuild, the repository
/// falling back to the resource name and the tag to "latest".</item>
/// </list>
/// </summary>
internal static partial class AspirateProjection
{
    public const string Namespace = "chat";
    public const string DashboardImage = "mcr.microsoft.com/dotnet/aspire-dashboard:9.0";
    public const string DashboardOtlpEndpoint = "http://aspire-dashboard:18889";
    public const string ProjectUrls = "http://+:8080;";

    private static readonly string[] Deployable = ["project.v0", "container.v0"];
    private static readonly Lazy<Task<IReadOnlyList<ExpectedWorkload>>> OfPublished =
        new(async () => await ProjectAsync(await AspireManifest.PublishedAsync()));
    private static readonly string[] ValuesOnly = ["parameter.v0", "value.v0"];

    /// <summary>The projection of the manifest the app host publishes now, computed once per test run.</summary>
    public static Task<IReadOnlyList<ExpectedWorkload>> OfPublishedManifestAsync() => OfPublished.Value;

    public static async Task<IReadOnlyList<ExpectedWorkload>> ProjectAsync(JsonObject manifest)
    {
        var resources = AspireManifest.Resources(manifest).ToDictionary(pair => pair.Key, pair => pair.Value);
        var unsupported = resources.Where(pair => !Deployable.Concat(ValuesOnly).Contains(Type(pair.Value))).ToList();
        if (unsupported.Count > 0)
        {
            var names = unsupported.Select(pair => $"{pair.Key} ({Type(pair.Value)})");
            throw new InvalidOperationException($"Aspirate skips these resources: {string.Join(", ", names)}.");
        }

        var resolver = new Resolver(resources);
        var workloads = new List<ExpectedWorkload>();
        foreach (var (name, resource) in resources.Where(pair => Deployable.Contains(Type(pair.Value))))
        {
            var isProject = Type(resource) == "project.v0";
            var volumes = (resource["volumes"]?.AsArray() ?? [])
                .Select(volume => new ExpectedVolume(
                    KubernetesVolumeName(name, volume!["name"]?.GetValue<string>(), Target(volume)), Target(volume)))
                .ToList();

            workloads.Add(new ExpectedWorkload(
                name.ToLowerInvariant(),
                !isProject && volumes.Count > 0 ? "StatefulSet" : "Deployment",
                isProject
                    ? await ProjectImageAsync(name, resource)
                    : resource["image"]!.GetValue<string>().ToLowerInvariant(),
                resource["entrypoint"]?.GetValue<string>(),
                (resource["args"]?.AsArray() ?? []).Select(arg => arg!.GetValue<string>()).ToList(),
                Bindings(resource).Select(b => new ExpectedPort(b.Name, b.TargetPort, b.ServicePort)).ToList(),
                Literals(name, resource, isProject, resolver),
                volumes));
        }

        return workloads;
    }

    public static string Type(JsonObject resource) => resource["type"]!.GetValue<string>();

    private static List<string> Literals(string name, JsonObject resource, bool isProject, Resolver resolver)
    {
        var literals = new List<KeyValuePair<string, string>>();
        foreach (var (key, value) in resource["env"]?.AsObject() ?? [])
        {
            var resolved = resolver.Resolve(value!.GetValue<string>());
            if (!string.IsNullOrEmpty(resolved))
            {
                literals.Add(KeyValuePair.Create(key, resolved));
            }
        }

        AddIfAbsent(literals, "OTEL_EXPORTER_OTLP_ENDPOINT", DashboardOtlpEndpoint);
        AddIfAbsent(literals, "OTEL_SERVICE_NAME", name);
        if (isProject)
        {
            literals.Add(KeyValuePair.Create("ASPNETCORE_URLS", ProjectUrls));
        }

        return literals.Select(pair => $"{pair.Key}={pair.Value}").ToList();
    }

    private static void AddIfAbsent(List<KeyValuePair<string, string>> literals, string key, string value)
    {
        if (literals.All(pair => pair.Key != key))
        {
            literals.Add(KeyValuePair.Create(key, value));
        }
    }

    internal static IEnumerable<BindingInfo> Bindings(JsonObject resource) =>
        (resource["bindings"]?.AsObject() ?? []).Select(pair => new BindingInfo(
            pair.Key,
            pair.Value!["port"]?.GetValue<int>(),
            pair.Value["targetPort"]?.GetValue<int>() ?? DefaultTargetPort(pair.Key),
            pair.Value["protocol"]?.GetValue<string>() ?? "tcp"));

    private static int DefaultTargetPort(string binding) => binding switch
    {
        "http" => 8080,
        "https" => 8443,
        _ => throw new InvalidOperationException($"Binding {binding} has no target port, and Aspirate gives it none."),
    };

    private static string KubernetesVolumeName(string resource, string? name, string target) =>
        (string.IsNullOrEmpty(name) ? $"{resource}-{target}" : name)
            .Replace('/', '-').Replace('.', '-').Replace("--", "-").ToLowerInvariant();

    private static async Task<string> ProjectImageAsync(string name, JsonObject resource)
    {
        var project = Path.Combine(RepositoryLayout.Root, resource["path"]!.GetValue<string>());
        var output = await CommandLine.RunAsync("dotnet", [
            "msbuild", project, "-getProperty:ContainerRegistry", "-getProperty:ContainerRepository",
            "-getProperty:ContainerImageName", "-getProperty:ContainerImageTag",
        ]);
        var properties = JsonNode.Parse(output)!["Properties"]!;
        string? Property(string key) => properties[key]?.GetValue<string>() is { Length: > 0 } value ? value : null;

        if (Property("ContainerImageName") is not null)
        {
            throw new InvalidOperationException($"{project} sets ContainerImageName, which is not modelled here.");
        }

        var repository = Property("ContainerRepository") ?? name;
        var tag = (Property("ContainerImageTag") ?? "latest").Split(';')[0];
        var registry = Property("ContainerRegistry");
        return (registry is null ? $"{repository}:{tag}" : $"{registry}/{repository}:{tag}").ToLowerInvariant();
    }

    /// <summary>Resolves {resource.property...} placeholders against the manifest's resources.</summary>
    private sealed class Resolver(IReadOnlyDictionary<string, JsonObject> resources)
    {
        public string Resolve(string value) =>
            Placeholder().Replace(value, match => ResolvePath(match.Groups[1].Value));

        private string ResolvePath(string path)
        {
            var parts = path.Split('.');
            var resource = resources.TryGetValue(parts[0], out var found)
                ? found
                : throw new InvalidOperationException($"Unknown resource in {{{path}}}.");

            if (parts is [var name, "bindings", var binding, var property])
            {
                var info = Bindings(resource).Single(b => b.Name == binding);
                return property switch
                {
                    "host" => name,
                    "port" => info.ServicePort.ToString(CultureInfo.InvariantCulture),
                    "targetPort" => info.TargetPort.ToString(CultureInfo.InvariantCulture),
                    "url" when binding == "http" => $"http://{name}:{info.TargetPort}",
                    "url" when binding == "https" => string.Empty,
                    "url" => $"{UrlPrefix(info.Protocol)}{name}:{info.TargetPort}",
                    _ => throw new InvalidOperationException($"{{{path}}} is not modelled here."),
                };
            }

            if (Type(resource) == "parameter.v0")
            {
                throw new InvalidOperationException(
                    $"{{{path}}}: Aspirate would generate a random value for the parameter on every run.");
            }

            JsonNode? node = resource;
            foreach (var part in parts.Skip(1))
            {
                node = node?[part];
            }

            return node is null
                ? $"{{{path}}}"
                : Resolve(node.GetValueKind() == JsonValueKind.String ? node.GetValue<string>() : node.ToJsonString());
        }
    }

    private static string UrlPrefix(string protocol) =>
        protocol is "http" or "https" ? $"{protocol}://" : string.Empty;

    private static string Target(JsonNode volume) => volume["target"]!.GetValue<string>();

    [GeneratedRegex(@"\{([A-Za-z0-9.\-]+)\}")]
    private static partial Regex Placeholder();
}

internal sealed record BindingInfo(string Name, int? Port, int TargetPort, string Protocol)
{
    public int ServicePort => Port ?? TargetPort;
}

internal sealed record ExpectedWorkload(
    string Name,
    string Kind,
    string Image,
    string? Entrypoint,
    IReadOnlyList<string> Args,
    IReadOnlyList<ExpectedPort> Ports,
    IReadOnlyList<string> Literals,
    IReadOnlyList<ExpectedVolume> Volumes);

internal sealed record ExpectedPort(string Name, int ContainerPort, int ServicePort);

internal sealed record ExpectedVolume(string Name, string MountPath);

using System.Text;

namespace Chat.Tests.Deployment;

/// <summary>
/// The environment the kubelet gives a workload's container: the ConfigMaps of envFrom, then env in order, where
/// $(NAME) expands to a variable defined before it ($$ stays a literal $) and secretKeyRef reads
/// <see cref="Secrets"/>.
/// </summary>
internal static class PodEnvironment
{
    public static Dictionary<string, string> Of(RenderedObjects objects, Workload workload, Secrets secrets)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        var container = workload.Container;

        foreach (var source in container.EnvFrom ?? [])
        {
            var configMap = objects.Named<k8s.Models.V1ConfigMap>(source.ConfigMapRef?.Name
                ?? throw new NotSupportedException($"{workload.Name}: only configMapRef sources are modelled."));
            foreach (var (name, value) in configMap.Data)
            {
                environment[name] = value;
            }
        }

        foreach (var variable in container.Env ?? [])
        {
            environment[variable.Name] = variable.ValueFrom switch
            {
                null => Expand(variable.Value ?? string.Empty, environment),
                { SecretKeyRef: { } reference } => secrets[$"{reference.Name}/{reference.Key}"],
                _ => throw new NotSupportedException($"{workload.Name}: {variable.Name} uses an unmodelled source."),
            };
        }

        return environment;
    }

    private static string Expand(string value, IReadOnlyDictionary<string, string> defined)
    {
        var expanded = new StringBuilder();
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '$' && i + 1 < value.Length && value[i + 1] == '$')
            {
                expanded.Append('$');
                i++;
                continue;
            }

            var end = value[i] == '$' && i + 1 < value.Length && value[i + 1] == '(' ? value.IndexOf(')', i) : -1;
            if (end > 0 && defined.TryGetValue(value[(i + 2)..end], out var replacement))
            {
                expanded.Append(replacement);
                i = end;
                continue;
            }

            expanded.Append(value[i]);
        }

        return expanded.ToString();
    }
}

/// <summary>Secret values by "secret-name/key", standing in for the Secrets an operator creates.</summary>
internal sealed class Secrets : Dictionary<string, string>
{
    public static Secrets None { get; } = [];
}

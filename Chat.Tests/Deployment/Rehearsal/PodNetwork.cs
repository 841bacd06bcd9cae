using System.Globalization;
using System.Text;

namespace Chat.Tests.Deployment.Rehearsal;

/// <summary>
/// A pod network made of network namespaces that only this test run creates: a "node" namespace holding a bridge,
/// and one namespace per pod (and one for the outside client) joined to it by a veth pair, on a private /24 that
/// exists only inside them. Each pod namespace has its own /etc/hosts (through `ip netns exec`'s /etc/netns/NAME)
/// in which the cluster's Service names point at the pods.
/// </summary>
internal sealed class PodNetwork : IAsyncDisposable
{
    public const string NodeAddress = "10.213.0.1";
    private const string NamePrefix = "chatk8s";
    private const string Subnet = "10.213.0.";
    private const int PrefixLength = 24;

    private readonly string _runId = $"{NamePrefix}-{Environment.ProcessId}";
    private readonly List<string> _namespaces = [];
    private int _nextHost = 10;

    public string NodeNamespace => $"{_runId}-node";

    public static string NamespacePath(string networkNamespace) => $"/run/netns/{networkNamespace}";

    public static async Task<PodNetwork> CreateAsync()
    {
        await RemoveStaleAsync();
        var network = new PodNetwork();
        try
        {
            await network.AddNamespaceAsync(network.NodeNamespace);
            await Ip("-n", network.NodeNamespace, "link", "add", "br0", "type", "bridge");
            await Ip("-n", network.NodeNamespace, "addr", "add", $"{NodeAddress}/{PrefixLength}", "dev", "br0");
            await Ip("-n", network.NodeNamespace, "link", "set", "br0", "up");
            await Ip("-n", network.NodeNamespace, "link", "set", "lo", "up");
            return network;
        }
        catch
        {
            await network.DisposeAsync();
            throw;
        }
    }

    /// <summary>A namespace joined to the bridge, with the next free address.</summary>
    public async Task<Pod> AddPodAsync(string name)
    {
        var networkNamespace = $"{_runId}-{name}";
        var address = Subnet + _nextHost++.ToString(CultureInfo.InvariantCulture);
        var hostSide = $"v-{name}";
        await AddNamespaceAsync(networkNamespace);
        await Ip("-n", NodeNamespace, "link", "add", hostSide, "type", "veth",
            "peer", "name", "eth0", "netns", networkNamespace);
        await Ip("-n", NodeNamespace, "link", "set", hostSide, "master", "br0", "up");
        await Ip("-n", networkNamespace, "addr", "add", $"{address}/{PrefixLength}", "dev", "eth0");
        await Ip("-n", networkNamespace, "link", "set", "eth0", "up");
        await Ip("-n", networkNamespace, "link", "set", "lo", "up");
        return new Pod(name, networkNamespace, address);
    }

    /// <summary>Writes the pod namespace's hosts file and an empty resolver configuration: no DNS leaves it.</summary>
    public static void WriteNameResolution(Pod pod, IEnumerable<(string Address, string Name)> entries)
    {
        var directory = Path.Combine("/etc/netns", pod.Namespace);
        Directory.CreateDirectory(directory);
        var hosts = new StringBuilder()
            .Append("127.0.0.1 localhost\n")
            .Append(CultureInfo.InvariantCulture, $"{pod.Address} {pod.Name}\n");
        foreach (var (address, name) in entries)
        {
            hosts.Append(CultureInfo.InvariantCulture, $"{address} {name}\n");
        }

        File.WriteAllText(Path.Combine(directory, "hosts"), hosts.ToString());
        File.WriteAllText(Path.Combine(directory, "resolv.conf"), "options attempts:1 timeout:1\n");
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var networkNamespace in Enumerable.Reverse(_namespaces))
        {
            await RemoveNamespaceAsync(networkNamespace);
        }
    }

    private async Task AddNamespaceAsync(string networkNamespace)
    {
        _namespaces.Add(networkNamespace);
        await Ip("netns", "add", networkNamespace);
    }

    /// <summary>Ends what still runs inside a namespace, then deletes it and its configuration files.</summary>
    private static async Task RemoveNamespaceAsync(string networkNamespace)
    {
        var pids = await CommandLine.TryRunAsync("ip", ["netns", "pids", networkNamespace]);
        var separators = StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries;
        foreach (var pid in pids.Output.Split('\n', separators))
        {
            KillIfRunning(int.Parse(pid, CultureInfo.InvariantCulture));
        }

        await CommandLine.TryRunAsync("ip", ["netns", "del", networkNamespace]);
        var configuration = Path.Combine("/etc/netns", networkNamespace);
        if (Directory.Exists(configuration))
        {
            Directory.Delete(configuration, recursive: true);
        }
    }

    /// <summary>Namespaces left by a run killed before it could clean up: its process no longer exists.</summary>
    private static async Task RemoveStaleAsync()
    {
        var list = await CommandLine.TryRunAsync("ip", ["netns", "list"]);
        foreach (var line in list.Output.Split('\n', StringSplitOptions.RemoveEmptyEntries))
        {
            var name = line.Split(' ')[0];
            var parts = name.Split('-');
            if (parts.Length >= 3 && parts[0] == NamePrefix && int.TryParse(parts[1], out var pid)
                && pid != Environment.ProcessId && !Directory.Exists($"/proc/{pid}"))
            {
                await RemoveNamespaceAsync(name);
            }
        }
    }

    private static void KillIfRunning(int processId)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(processId);
            process.Kill(entireProcessTree: true);
        }
        catch (ArgumentException)
        {
            // It ended on its own meanwhile.
        }
    }

    private static Task<string> Ip(params string[] arguments) => CommandLine.RunAsync("ip", arguments);
}

public sealed record Pod(string Name, string Namespace, string Address);

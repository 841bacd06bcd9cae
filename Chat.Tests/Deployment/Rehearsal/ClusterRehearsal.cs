using System.Security.Cryptography;
using k8s.Models;

namespace Chat.Tests.Deployment.Rehearsal;

/// <summary>
/// The rendered overlay run without a cluster: the published services and redis-server as processes, each "pod" in
/// its own network namespace with exactly the environment its manifests give it (ConfigMaps, env, a Secret value this
/// run generates) plus what its image sets, the Service names resolving to the pods, and Redis started with the
/// overlay's own command line (append-only file included) in a data folder standing for its volume.
/// Redis and the RPC server run one pod each; the HTTP server runs two, and the outside client reaches them directly,
/// as a load balancer reaches its backends (Service virtual IPs and port mapping are not emulated: the configuration
/// points at ports where Service port and target port are equal, which the wiring checks hold).
/// </summary>
public sealed class ClusterRehearsal : IAsyncLifetime
{
    /// <summary>Set in CI: where network namespaces cannot be made, the rehearsal fails instead of skipping.</summary>
    public const string RequireVariable = "CHAT_TESTS_REQUIRE_NETNS";

    private static readonly TimeSpan ReadyTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan ProbeInterval = TimeSpan.FromMilliseconds(500);
    private static readonly string[] ChatServices = ["rpcserver", "httpserver"];

    private readonly List<PodProcess> _processes = [];
    private readonly Secrets _secrets = new()
    {
        ["redis-auth/password"] = Convert.ToHexString(RandomNumberGenerator.GetBytes(24)).ToLowerInvariant(),
    };

    private DirectoryInfo? _workspace;
    private PodNetwork? _network;
    private RenderedObjects _overlay = null!;
    private Exception? _startFailure;
    private string _startOutput = string.Empty;
    private string? _missing;

    public Pod Client { get; private set; } = null!;

    public IReadOnlyList<Pod> HttpServers { get; private set; } = [];

    public PodProcess Redis { get; private set; } = null!;

    public string RedisDataDirectory => Path.Combine(_workspace!.FullName, "redis-data");

    public string RedisPassword => _secrets["redis-auth/password"];

    public async ValueTask InitializeAsync()
    {
        _missing = MissingPrerequisite();
        if (_missing is not null)
        {
            return;
        }

        try
        {
            await StartAsync();
        }
        catch (Exception exception)
        {
            // Reported by every test instead: a fixture that throws would leave its namespaces and processes behind.
            _startFailure = exception;
            _startOutput = string.Join('\n', _processes.Select(p => p.RecentOutput));
            await StopAllAsync();
        }
    }

    public async ValueTask DisposeAsync() => await StopAllAsync();

    /// <summary>
    /// Skips (or, with CHAT_TESTS_REQUIRE_NETNS=1, fails) where namespaces cannot be made; fails if the start failed.
    /// </summary>
    public void RequireRunning()
    {
        if (_missing is not null)
        {
            var message = $"The cluster rehearsal needs {_missing}.";
            if (Environment.GetEnvironmentVariable(RequireVariable) == "1")
            {
                Assert.Fail($"{message} {RequireVariable}=1 makes that a failure.");
            }

            Assert.Skip(message);
        }

        if (_startFailure is not null)
        {
            throw new InvalidOperationException(
                $"The rehearsal did not start: {_startFailure.Message}\n{_startOutput}", _startFailure);
        }
    }

    public HttpClient ClientHttp() => NamespacedConnections.HttpClient(Client.Namespace);

    public Uri HttpServerUri(int index, string pathAndQuery) =>
        new($"http://{HttpServers[index].Address}:8080{pathAndQuery}");

    /// <summary>Every probe of every pod (startup, liveness, readiness) and its result.</summary>
    public async Task<IReadOnlyList<(string Pod, string Probe, ProbeResult Result)>> ProbeAllAsync()
    {
        var runner = new ProbeRunner(_network!);
        var results = new List<(string, string, ProbeResult)>();
        foreach (var process in _processes)
        {
            var workload = _overlay.Workload(WorkloadOf(process.Pod));
            var environment = ContainerEnvironment(workload, process.Pod);
            foreach (var (kind, probe) in Probes(workload.Container))
            {
                var result = await runner.RunAsync(probe, workload.Container, process.Pod, environment);
                results.Add((process.Pod.Name, kind, result));
            }
        }

        return results;
    }

    /// <summary>Stops Redis with SIGTERM and starts it again on the same data, as a rescheduled pod would.</summary>
    public async Task RestartRedisAsync()
    {
        await Redis.StopAsync(TimeSpan.FromSeconds(30));
        _processes.Remove(Redis);
        Redis.Dispose();
        Redis = StartPod(Redis.Pod, "redis");
        await WaitReadyAsync(Redis);
    }

    /// <summary>The environment the kubelet gives the container, over what its image sets.</summary>
    private IReadOnlyDictionary<string, string> ContainerEnvironment(Workload workload, Pod pod)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["PATH"] = Environment.GetEnvironmentVariable("PATH") ?? "/usr/local/bin:/usr/bin:/bin",
            ["HOME"] = Path.Combine(_workspace!.FullName, "home", pod.Name),
            ["HOSTNAME"] = pod.Name,
        };
        if (ChatServices.Contains(workload.Name))
        {
            // What the .NET ASP.NET Core base image sets.
            environment["ASPNETCORE_HTTP_PORTS"] = "8080";
            environment["DOTNET_RUNNING_IN_CONTAINER"] = "true";
            environment["APP_UID"] = "1654";
        }

        foreach (var (name, value) in PodEnvironment.Of(_overlay, workload, _secrets))
        {
            environment[name] = value;
        }

        return environment;
    }

    private static string? MissingPrerequisite()
    {
        if (!OperatingSystem.IsLinux())
        {
            return "Linux network namespaces";
        }

        if (!LinuxCalls.IsRoot)
        {
            return "root, to create network namespaces";
        }

        string[] programs = ["ip", "redis-server", "redis-cli", "kubectl"];
        var absent = programs.Where(program => !CommandLine.IsInstalled(program)).ToList();
        return absent.Count == 0
            ? null
            : $"{string.Join(", ", absent)} on PATH (apt packages iproute2, redis-server, kubectl)";
    }

    private async Task StartAsync()
    {
        _workspace = Directory.CreateTempSubdirectory("chat-rehearsal-");
        _overlay = await KubernetesManifests.RenderObjectsAsync(RepositoryLayout.Overlay);
        var published = await PublishAsync();

        _network = await PodNetwork.CreateAsync();
        var redis = await _network.AddPodAsync("redis-0");
        var rpcServer = await _network.AddPodAsync("rpcserver-0");
        HttpServers = [await _network.AddPodAsync("httpserver-0"), await _network.AddPodAsync("httpserver-1")];
        Client = await _network.AddPodAsync("client");
        WriteServiceNames([redis, rpcServer, .. HttpServers]);

        Directory.CreateDirectory(RedisDataDirectory);
        Redis = StartPod(redis, "redis");
        await WaitReadyAsync(Redis);

        var rpc = StartPod(rpcServer, "rpcserver", published["rpcserver"]);
        await WaitReadyAsync(rpc);

        var http = HttpServers.Select(pod => StartPod(pod, "httpserver", published["httpserver"])).ToList();
        foreach (var process in http)
        {
            await WaitReadyAsync(process);
        }
    }

    /// <summary>The image's content: the services as `dotnet publish` lays them out, from this build.</summary>
    private async Task<Dictionary<string, string>> PublishAsync()
    {
        var published = new Dictionary<string, string>();
        (string Workload, string Project)[] images =
            [("rpcserver", "Chat.RpcServer"), ("httpserver", "Chat.HttpServer")];
        foreach (var (workload, project) in images)
        {
            var output = Path.Combine(_workspace!.FullName, "images", workload);
            await CommandLine.RunAsync("dotnet", [
                "publish", RepositoryLayout.ProjectFile(project), "--no-build", "-c", RepositoryLayout.Configuration,
                "-o", output, "--nologo",
            ], timeout: TimeSpan.FromMinutes(3));
            published[workload] = Path.Combine(output, $"{project}.dll");
        }

        return published;
    }

    /// <summary>Each Service name (short and qualified) resolves, in every pod, to the first pod it selects.</summary>
    private void WriteServiceNames(IReadOnlyList<Pod> pods)
    {
        var entries = new List<(string, string)>();
        foreach (var service in _overlay.OfKind<V1Service>())
        {
            var workload = _overlay.Workloads.Single(w => w.IsSelectedBy(service.Spec.Selector));
            var pod = pods.FirstOrDefault(p => WorkloadOf(p) == workload.Name);
            var address = pod?.Address ?? PodNetwork.NodeAddress;
            var name = service.Metadata.Name;
            var qualified = $"{name}.{service.Metadata.NamespaceProperty}";
            entries.Add((address, $"{name} {qualified} {qualified}.svc {qualified}.svc.cluster.local"));
        }

        foreach (var pod in pods.Append(Client))
        {
            PodNetwork.WriteNameResolution(pod, entries);
        }
    }

    private PodProcess StartPod(Pod pod, string workloadName, string? entryAssembly = null)
    {
        var workload = _overlay.Workload(workloadName);
        var environment = ContainerEnvironment(workload, pod);
        Directory.CreateDirectory(environment["HOME"]);

        // The chat images run their entry assembly from /app; Redis runs the manifest's command in /data.
        var (command, workingDirectory) = entryAssembly is null
            ? ([.. workload.Container.Command, .. workload.Container.Args ?? []], RedisDataDirectory)
            : (new List<string> { "dotnet", entryAssembly }, Path.GetDirectoryName(entryAssembly)!);
        var process = PodProcess.Start(pod, command, environment, workingDirectory);
        _processes.Add(process);
        return process;
    }

    /// <summary>Waits until the pod's startup and readiness probes pass, as the kubelet does before traffic.</summary>
    private async Task WaitReadyAsync(PodProcess process)
    {
        var workload = _overlay.Workload(WorkloadOf(process.Pod));
        var environment = ContainerEnvironment(workload, process.Pod);
        var runner = new ProbeRunner(_network!);
        var deadline = DateTime.UtcNow + ReadyTimeout;
        var last = ProbeResult.Fail("not probed");
        foreach (var probe in new[] { workload.Container.StartupProbe, workload.Container.ReadinessProbe })
        {
            while (!(last = await runner.RunAsync(probe, workload.Container, process.Pod, environment)).Passed)
            {
                if (process.HasExited || DateTime.UtcNow > deadline)
                {
                    throw new InvalidOperationException(
                        $"{process.Pod.Name} did not become ready ({last.Detail}).\n{process.RecentOutput}");
                }

                await Task.Delay(ProbeInterval);
            }
        }
    }

    private static IEnumerable<(string Kind, V1Probe Probe)> Probes(V1Container container) =>
    [
        ("startup", container.StartupProbe),
        ("liveness", container.LivenessProbe),
        ("readiness", container.ReadinessProbe),
    ];

    private static string WorkloadOf(Pod pod) => pod.Name[..pod.Name.LastIndexOf('-')];

    private async Task StopAllAsync()
    {
        foreach (var process in _processes)
        {
            process.Dispose();
        }

        _processes.Clear();
        if (_network is not null)
        {
            await _network.DisposeAsync();
            _network = null;
        }

        if (_workspace is { Exists: true })
        {
            _workspace.Delete(recursive: true);
        }
    }
}

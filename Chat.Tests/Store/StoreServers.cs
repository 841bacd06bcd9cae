using System.Diagnostics;
using System.Diagnostics.Metrics;
using Chat.RpcServer.Storage;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace Chat.Tests.Store;

/// <summary>
/// The real servers of the store tests: redis-server and Garnet (the repository's garnet-server tool), each standalone
/// as the services use it and as a one-node cluster. Each is started on first use and stopped when the tests end.
/// </summary>
/// <remarks>
/// Environment variables:
/// CHAT_TESTS_REDIS_SERVER names the redis-server to run, a command looked up on PATH or a path (default
/// "redis-server"); a path that does not exist simulates a machine without it.
/// CHAT_TESTS_REQUIRE_REDIS=1 makes a missing redis-server fail the Redis cases instead of skipping them (CI sets it).
/// </remarks>
public sealed class StoreServers : IAsyncDisposable
{
    private const string RedisServerVariable = "CHAT_TESTS_REDIS_SERVER";
    private const string RequireRedisVariable = "CHAT_TESTS_REQUIRE_REDIS";

    private readonly Dictionary<(StoreServerKind Kind, bool Cluster), Lazy<Task<StoreServer>>> _servers = [];
    private readonly Lazy<Task> _toolRestore;
    private readonly ServiceProvider _services = new ServiceCollection().AddMetrics().BuildServiceProvider();
    private readonly string _redisCommand =
        Environment.GetEnvironmentVariable(RedisServerVariable) is { Length: > 0 } command ? command : "redis-server";

    private readonly string? _redisExecutable;
    private readonly string _repositoryRoot = FindRepositoryRoot();

    public StoreServers()
    {
        _redisExecutable = Resolve(_redisCommand);
        _toolRestore = new Lazy<Task>(() => RunToCompletionAsync(Dotnet(), ["tool", "restore"], _repositoryRoot));
        foreach (var kind in Enum.GetValues<StoreServerKind>())
        {
            foreach (var cluster in new[] { false, true })
            {
                _servers[(kind, cluster)] = new Lazy<Task<StoreServer>>(() => StartAsync(kind, cluster));
            }
        }
    }

    /// <summary>
    /// The running server of a kind. Without redis-server the Redis cases are skipped, or fail when
    /// CHAT_TESTS_REQUIRE_REDIS=1.
    /// </summary>
    internal async Task<StoreServer> GetAsync(StoreServerKind kind, bool cluster = false)
    {
        if (kind == StoreServerKind.Redis && _redisExecutable is null)
        {
            if (Environment.GetEnvironmentVariable(RequireRedisVariable) == "1")
            {
                Assert.Fail($"redis-server is required ({RequireRedisVariable}=1) but \"{_redisCommand}\" was not "
                    + "found; install it (apt-get install redis-server).");
            }

            Assert.Skip($"redis-server is not installed; \"{_redisCommand}\" was not found, so the Redis case is "
                + "skipped and only its Garnet twin runs. Install it (apt-get install redis-server) to run it, or set "
                + $"{RequireRedisVariable}=1 to make its absence a failure.");
        }

        return await _servers[(kind, cluster)].Value;
    }

    /// <summary>The store as the RPC server builds it, over the shared connection of <paramref name="server"/>.
    /// </summary>
    internal MessageStore CreateStore(StoreServer server, StoreOptions? options = null) =>
        CreateStore(server.Redis, options);

    /// <summary>The store over a connection of its own, as another replica of the RPC server would have.</summary>
    internal MessageStore CreateStore(IConnectionMultiplexer redis, StoreOptions? options = null) =>
        new(redis, Options.Create(options ?? new StoreOptions()),
            new StoreMetrics(_services.GetRequiredService<IMeterFactory>()));

    public async ValueTask DisposeAsync()
    {
        foreach (var start in _servers.Values.Where(lazy => lazy.IsValueCreated).Select(lazy => lazy.Value))
        {
            // A start that failed stopped its own process, and the tests that needed it reported why.
            await ((Task)start).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (start.IsCompletedSuccessfully)
            {
                await start.Result.DisposeAsync();
            }
        }

        await _services.DisposeAsync();
    }

    private async Task<StoreServer> StartAsync(StoreServerKind kind, bool cluster)
    {
        var name = cluster ? $"{kind} cluster" : kind.ToString();
        if (kind == StoreServerKind.Redis)
        {
            return await StoreServer.StartAsync(
                name, cluster, (port, directory) => RedisLaunch(port, directory, cluster));
        }

        await _toolRestore.Value;
        return await StoreServer.StartAsync(
            name, cluster, (port, directory) => GarnetLaunch(port, directory, cluster));
    }

    private ProcessStartInfo RedisLaunch(int port, DirectoryInfo directory, bool cluster)
    {
        List<string> arguments =
        [
            "--bind", "127.0.0.1", "--port", port.ToString(), "--dir", directory.FullName,
            "--save", "", "--appendonly", "no", "--loglevel", "warning",
        ];
        if (cluster)
        {
            arguments.AddRange(
            [
                "--cluster-enabled", "yes", "--cluster-announce-ip", "127.0.0.1",
                "--cluster-config-file", Path.Combine(directory.FullName, "nodes.conf"),
            ]);
        }

        return new ProcessStartInfo(_redisExecutable!, arguments);
    }

    private ProcessStartInfo GarnetLaunch(int port, DirectoryInfo directory, bool cluster)
    {
        // Without transaction mode Garnet does not isolate a script from other clients' commands.
        List<string> arguments =
        [
            "tool", "run", "garnet-server", "--", "--bind", "127.0.0.1", "--port", port.ToString(),
            "--lua", "--lua-transaction-mode",
        ];
        if (cluster)
        {
            // A cluster keeps its configuration on a storage device; the portable one needs no native library.
            arguments.AddRange(["--cluster", "--checkpointdir", directory.FullName, "--device-type", "RandomAccess"]);
        }

        return new ProcessStartInfo(Dotnet(), arguments) { WorkingDirectory = _repositoryRoot };
    }

    internal static string Dotnet() => Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") ?? "dotnet";

    private static string? Resolve(string command)
    {
        if (command.Contains(Path.DirectorySeparatorChar))
        {
            return File.Exists(command) ? command : null;
        }

        var path = Environment.GetEnvironmentVariable("PATH") ?? string.Empty;
        return path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, command))
            .FirstOrDefault(File.Exists);
    }

    internal static string FindRepositoryRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null;
             directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Chat.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No folder above {AppContext.BaseDirectory} holds Chat.sln.");
    }

    private static async Task RunToCompletionAsync(string fileName, string[] arguments, string workingDirectory)
    {
        var start = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = Process.Start(start)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEndAsync();
        await process.WaitForExitAsync();
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"{fileName} {string.Join(' ', arguments)} failed with code {process.ExitCode}:\n"
                + $"{await output}\n{await error}");
        }
    }
}

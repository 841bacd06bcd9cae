using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace Chat.AppHost.Redis;

/// <summary>
/// Chooses the Redis the chat services use, by how the app host runs:
/// <list type="bullet">
/// <item>publish mode (the manifest that deployment tools read): the Redis container, with a named volume and the
/// append-only file, and no password of its own (a cluster overlay supplies one from a Secret), so that the
/// manifest holds nothing random or machine-specific;</item>
/// <item>run mode with a container runtime that answers: the same container;</item>
/// <item>run mode without one: redis-server from PATH when installed, otherwise the garnet-server .NET tool from the
/// repository's tool manifest, each persisting to an append-only file under the data folder.</item>
/// </list>
/// </summary>
internal static class ChatRedisExtensions
{
    private const string DataDirectoryKey = "LocalRedis:DataDirectory";
    private const string ForceLocalServerKey = "LocalRedis:Server";
    private const string PublishedDataVolume = "redis-data";

    /// <summary>
    /// What every Redis of the chat store runs with: the append-only file, fsynced once a second (a killed process
    /// loses nothing it acknowledged, a machine that loses power may lose the last second), and the server's
    /// background tasks run 100 times a second instead of 10. Every send leaves an idempotency key that expires a
    /// minute or more later, as fast as the sends came, and Redis deletes expired keys in those tasks, each run
    /// given a quarter of the interval between runs: at 10 a second one run held every command up for 44 ms under
    /// a send load, at 100 none for more than 5 ms (docs/benchmark.md). An idle Redis pays a little CPU for it.
    /// </summary>
    private static readonly string[] ServerArguments =
        ["--appendonly", "yes", "--appendfsync", "everysec", "--hz", "100"];

    public static IResourceBuilder<IResourceWithConnectionString> AddChatRedis(
        this IDistributedApplicationBuilder builder, string name)
    {
        if (builder.ExecutionContext.IsPublishMode)
        {
            return AddPublishedRedis(builder, name);
        }

        // "redis-server" or "garnet" skips the container probe; tests use it to run each server on purpose.
        var requested = builder.Configuration[ForceLocalServerKey];
        string reason;
        if (string.IsNullOrEmpty(requested))
        {
            var runtime = builder.Configuration["ASPIRE_CONTAINER_RUNTIME"]
                ?? builder.Configuration["DOTNET_ASPIRE_CONTAINER_RUNTIME"]
                ?? "docker";
            var (available, probeReason) = ContainerRuntimeProbe.Probe(runtime);
            if (available)
            {
                LogChoice(builder, "the Redis container", probeReason);
                return AddRedisContainer(builder, name);
            }

            reason = probeReason;
        }
        else
        {
            reason = $"{ForceLocalServerKey} is set to {requested}";
        }

        var dataRoot = Path.GetFullPath(
            builder.Configuration[DataDirectoryKey] ?? "../.data", builder.AppHostDirectory);
        var redisServer = requested is null or "redis-server" ? FindOnPath("redis-server") : null;
        if (redisServer is not null)
        {
            LogChoice(builder, $"redis-server ({redisServer})", $"{reason}, and redis-server is installed");
            return AddLocalRedisServer(builder, name, redisServer, Path.Combine(dataRoot, "redis"));
        }

        if (requested == "redis-server")
        {
            throw new DistributedApplicationException(
                $"{ForceLocalServerKey} asks for redis-server, which is not on PATH.");
        }

        var garnetReason = requested == "garnet" ? reason : $"{reason}, and redis-server is not installed";
        LogChoice(builder, "Garnet (the garnet-server .NET tool)", garnetReason);
        return AddGarnet(builder, name, Path.Combine(dataRoot, "garnet"));
    }

    /// <summary>
    /// The Redis of the published manifest. Without a password parameter, tools that turn the manifest into cluster
    /// objects write the same output on every run and commit no secret; the volume is named so that the manifest does
    /// not depend on where the app host lives.
    /// </summary>
    private static IResourceBuilder<IResourceWithConnectionString> AddPublishedRedis(
        IDistributedApplicationBuilder builder, string name) =>
        builder.AddRedis(name)
            .WithPassword(null)
            .WithDataVolume(PublishedDataVolume)
            .WithArgs(context => RedisShellCommand.Append(context.Args, ServerArguments));

    private static IResourceBuilder<IResourceWithConnectionString> AddRedisContainer(
        IDistributedApplicationBuilder builder, string name) =>
        builder.AddRedis(name)
            .WithDataVolume()
            .WithArgs(ServerArguments);

    private static IResourceBuilder<IResourceWithConnectionString> AddLocalRedisServer(
        IDistributedApplicationBuilder builder, string name, string redisServer, string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var server = new LocalRedisServerResource(name, redisServer, dataDirectory);
        return AddLocalServer(builder, server, port => RedisServerArguments(port, dataDirectory));
    }

    /// <summary>redis-server from PATH, with the <see cref="ServerArguments"/> of every Redis of the store, listening
    /// on loopback only, and no RDB snapshots beside the append-only file.</summary>
    internal static object[] RedisServerArguments(object port, string dataDirectory) =>
    [
        "--bind", "127.0.0.1",
        "--port", port,
        "--protected-mode", "no",
        "--dir", dataDirectory,
        .. ServerArguments,
        "--save", "",
    ];

    private static IResourceBuilder<IResourceWithConnectionString> AddGarnet(
        IDistributedApplicationBuilder builder, string name, string dataDirectory)
    {
        Directory.CreateDirectory(dataDirectory);
        var repositoryRoot = Path.GetFullPath("..", builder.AppHostDirectory);
        RestoreDotnetTools(repositoryRoot);

        var server = new LocalRedisServerResource(name, "dotnet", repositoryRoot);
        return AddLocalServer(
            builder, server, port => ["tool", "run", "garnet-server", "--", .. GarnetArguments(port, dataDirectory)]);
    }

    /// <summary>
    /// Garnet with Lua and its append-only file under <paramref name="dataDirectory"/>, replayed on start. Each write
    /// is committed to the file before its reply goes out (--aof-commit-wait), so a killed process loses nothing it
    /// acknowledged; the file is written through the portable device, which needs no native libaio.
    /// </summary>
    internal static object[] GarnetArguments(object port, string dataDirectory) =>
    [
        "--bind", "127.0.0.1",
        "--port", port,
        "--lua",
        "--lua-transaction-mode",
        "--aof",
        "--aof-commit-wait",
        "--recover",
        "--device-type", "RandomAccess",
        "--checkpointdir", dataDirectory,
    ];

    private static IResourceBuilder<IResourceWithConnectionString> AddLocalServer(
        IDistributedApplicationBuilder builder,
        LocalRedisServerResource server,
        Func<object, object[]> arguments)
    {
        var healthCheckKey = $"{server.Name}_local_redis";
        builder.Services.AddHealthChecks().Add(new HealthCheckRegistration(
            healthCheckKey, _ => new LocalRedisHealthCheck(server), failureStatus: null, tags: null));

        return builder.AddResource(server)
            .WithEndpoint(name: LocalRedisServerResource.EndpointName, scheme: "tcp")
            .WithArgs(context =>
            {
                foreach (var argument in arguments(server.Endpoint.Property(EndpointProperty.TargetPort)))
                {
                    context.Args.Add(argument);
                }
            })
            .WithHealthCheck(healthCheckKey);
    }

    /// <summary>Brings the tools of .config/dotnet-tools.json onto this machine: Garnet needs no manual step.</summary>
    private static void RestoreDotnetTools(string repositoryRoot)
    {
        var startInfo = new System.Diagnostics.ProcessStartInfo("dotnet", ["tool", "restore"])
        {
            WorkingDirectory = repositoryRoot,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        using var process = System.Diagnostics.Process.Start(startInfo)!;
        var errors = process.StandardError.ReadToEndAsync();
        process.StandardOutput.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
        {
            throw new DistributedApplicationException($"`dotnet tool restore` failed: {errors.Result}");
        }
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);

    private static void LogChoice(IDistributedApplicationBuilder builder, string server, string reason) =>
        builder.Eventing.Subscribe<BeforeStartEvent>((@event, _) =>
        {
            var logger = @event.Services.GetRequiredService<ILoggerFactory>().CreateLogger("Chat.AppHost.Redis");
            Log.RedisChosen(logger, server, reason);
            return Task.CompletedTask;
        });
}

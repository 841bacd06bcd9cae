using Chat.AppHost.Redis;
using StackExchange.Redis;

namespace Chat.Tests.Reliability;

/// <summary>
/// redis-server or Garnet as a plain process on a fixed loopback port, with exactly the arguments (append-only file
/// included) that the app host gives it, so that it can be killed and started again on the same data.
/// </summary>
internal sealed class RedisProcess : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(30);

    private readonly string _dataDirectory;
    private ChildProcess? _process;

    public RedisProcess(RedisKind kind, string dataDirectory)
    {
        Kind = kind;
        _dataDirectory = dataDirectory;
        Directory.CreateDirectory(dataDirectory);
    }

    public RedisKind Kind { get; }

    public int Port { get; } = FreePort.Next();

    public string ConnectionString => $"127.0.0.1:{Port}";

    public ChildProcess Process => _process ?? throw new InvalidOperationException("Redis has not been started.");

    /// <summary>The garnet-server tool's own entry point, run directly so that a signal reaches the server and not
    /// the `dotnet tool run` launcher in front of it.</summary>
    private static string GarnetServerDll
    {
        get
        {
            var packages = Environment.GetEnvironmentVariable("NUGET_PACKAGES")
                ?? Path.Combine(Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".nuget", "packages");
            var tool = Path.Combine(packages, "garnet-server", RepositoryLayout.GarnetVersion(), "tools");
            return Directory.Exists(tool)
                ? Directory.EnumerateFiles(tool, "GarnetServer.dll", SearchOption.AllDirectories).FirstOrDefault()
                    ?? string.Empty
                : string.Empty;
        }
    }

    /// <summary>Whether this kind can run here; Garnet comes from the repository's tool manifest.</summary>
    public static string? Unavailable(RedisKind kind)
    {
        if (kind == RedisKind.RedisServer)
        {
            return File.Exists("/usr/bin/redis-server") || FindOnPath("redis-server") is not null
                ? null
                : "redis-server is not installed";
        }

        return File.Exists(GarnetServerDll) ? null : "the garnet-server tool is not restored (dotnet tool restore)";
    }

    /// <summary>Starts the server on the same data; <paramref name="extraArguments"/> go after the app host's own.
    /// </summary>
    public async Task StartAsync(IEnumerable<string>? extraArguments = null)
    {
        if (_process is { HasExited: false })
        {
            throw new InvalidOperationException("Redis is already running.");
        }

        if (_process is not null)
        {
            await _process.DisposeAsync();
        }

        var port = Port.ToString();
        _process = Kind == RedisKind.RedisServer
            ? ChildProcess.Start("redis", FindOnPath("redis-server") ?? "/usr/bin/redis-server",
                [.. ChatRedisExtensions.RedisServerArguments(port, _dataDirectory).Select(a => a.ToString()!),
                    .. extraArguments ?? []],
                _dataDirectory, new Dictionary<string, string>())
            : ChildProcess.Start("garnet", "dotnet",
                [GarnetServerDll,
                    .. ChatRedisExtensions.GarnetArguments(port, _dataDirectory).Select(a => a.ToString()!),
                    .. extraArguments ?? []],
                _dataDirectory, new Dictionary<string, string>());
        await WaitUntilAnsweringAsync();
    }

    /// <summary>A connection of the test's own, to look at what Redis holds.</summary>
    public Task<ConnectionMultiplexer> ConnectAsync() =>
        ConnectionMultiplexer.ConnectAsync(
            $"{ConnectionString},abortConnect=false,connectTimeout=2000,allowAdmin=true");

    public async ValueTask DisposeAsync()
    {
        if (_process is not null)
        {
            await _process.DisposeAsync();
        }
    }

    private async Task WaitUntilAnsweringAsync()
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (Process.HasExited)
            {
                throw new InvalidOperationException($"{Kind} exited at start:\n{Process.RecentOutput}");
            }

            try
            {
                await using var connection = await ConnectionMultiplexer.ConnectAsync(
                    $"{ConnectionString},abortConnect=true,connectTimeout=1000");
                await connection.GetDatabase().PingAsync();
                return;
            }
            catch (RedisServerException exception) when (exception.Message.StartsWith("LOADING"))
            {
                // Still reading its data from disk, but up: what a client sees then is for the test to look at.
                return;
            }
            catch (RedisConnectionException)
            {
                await Task.Delay(200);
            }
        }

        throw new TimeoutException($"{Kind} did not answer within {StartTimeout}:\n{Process.RecentOutput}");
    }

    private static string? FindOnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Select(directory => Path.Combine(directory, program))
            .FirstOrDefault(File.Exists);
}

using System.Net;
using Grpc.Health.V1;
using Grpc.Net.Client;

namespace Chat.Tests.Reliability;

/// <summary>
/// Redis, the RPC server and the HTTP server as plain processes on loopback ports fixed for the test's whole run, so
/// that each can be signalled, killed and started again while the others keep running. The services run from their
/// own build output with their own appsettings.json; a test adds settings as environment variables.
/// </summary>
internal sealed class ChatServices : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);

    private readonly DirectoryInfo _dataDirectory = Directory.CreateTempSubdirectory("chat-reliability-");
    private readonly GrpcChannel _rpcChannel;
    private ChildProcess? _rpcServer;
    private ChildProcess? _httpServer;

    public ChatServices(RedisKind redisKind = RedisKind.RedisServer)
    {
        Redis = new RedisProcess(redisKind, Path.Combine(_dataDirectory.FullName, "redis"));
        _rpcChannel = GrpcChannel.ForAddress(RpcAddress);
        Http = new HttpClient { BaseAddress = new Uri($"http://127.0.0.1:{HttpPort}"), Timeout = RequestTimeout };
    }

    /// <summary>Longer than the HTTP server's 5 s deadline: an answer this late is a hanging request.</summary>
    public static TimeSpan RequestTimeout { get; } = TimeSpan.FromSeconds(10);

    public RedisProcess Redis { get; }

    public int RpcPort { get; } = FreePort.Next();

    public int HttpPort { get; } = FreePort.Next();

    public string RpcAddress => $"http://127.0.0.1:{RpcPort}";

    /// <summary>A plain client of the HTTP server, with no retries of its own.</summary>
    public HttpClient Http { get; }

    /// <summary>Configuration of the RPC server, as "Section:Key" names; set before it starts.</summary>
    public Dictionary<string, string> RpcSettings { get; } = new();

    /// <summary>Configuration of the HTTP server, as "Section:Key" names; set before it starts.</summary>
    public Dictionary<string, string> HttpSettings { get; } = new();

    public ChildProcess RpcServer => _rpcServer ?? throw new InvalidOperationException("Not started.");

    public ChildProcess HttpServer => _httpServer ?? throw new InvalidOperationException("Not started.");

    /// <summary>Starts Redis, then the RPC server, then the HTTP server, each once the one before it answers.</summary>
    public async Task StartAsync()
    {
        await Redis.StartAsync();
        await StartRpcServerAsync();
        await StartHttpServerAsync();
    }

    public async Task StartRpcServerAsync()
    {
        if (_rpcServer is not null)
        {
            await _rpcServer.DisposeAsync();
        }

        var environment = new Dictionary<string, string>(RpcSettings)
        {
            ["ASPNETCORE_URLS"] = RpcAddress,
            ["ConnectionStrings:redis"] = Redis.ConnectionString,
        };
        _rpcServer = StartService("rpcserver", "Chat.RpcServer", environment);
        await WaitUntilAsync(
            _rpcServer, async () => await RpcHealthAsync() == HealthCheckResponse.Types.ServingStatus.Serving);
    }

    public async Task StartHttpServerAsync()
    {
        if (_httpServer is not null)
        {
            await _httpServer.DisposeAsync();
        }

        var environment = new Dictionary<string, string>
        {
            ["ChatApi:RpcServerAddress"] = RpcAddress,
        };
        foreach (var (key, value) in HttpSettings)
        {
            environment[key] = value;
        }

        environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{HttpPort}";
        _httpServer = StartService("httpserver", "Chat.HttpServer", environment);
        await WaitUntilAsync(_httpServer, IsHttpReadyAsync);
    }

    /// <summary>Whether the HTTP server's /health says ready (which asks the RPC server, which asks Redis).</summary>
    public async Task<bool> IsHttpReadyAsync()
    {
        try
        {
            using var response = await Http.GetAsync("/health");
            return response.StatusCode == HttpStatusCode.OK;
        }
        catch (HttpRequestException)
        {
            return false;
        }
    }

    /// <summary>What the RPC server's standard gRPC health service says, or null when it does not answer.</summary>
    public async Task<HealthCheckResponse.Types.ServingStatus?> RpcHealthAsync()
    {
        try
        {
            var reply = await new Health.HealthClient(_rpcChannel).CheckAsync(
                new HealthCheckRequest(), deadline: DateTime.UtcNow.AddSeconds(2));
            return reply.Status;
        }
        catch (Grpc.Core.RpcException)
        {
            return null;
        }
    }

    /// <summary>Polls until <paramref name="condition"/> holds; false if it did not in time.</summary>
    public static async Task<bool> EventuallyAsync(Func<Task<bool>> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        do
        {
            if (await condition())
            {
                return true;
            }

            await Task.Delay(100);
        }
        while (DateTime.UtcNow < deadline);

        return false;
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        _rpcChannel.Dispose();
        var services = new[] { _httpServer, _rpcServer }.OfType<ChildProcess>().ToArray();
        foreach (var service in services)
        {
            await service.DisposeAsync();
        }

        await Redis.DisposeAsync();
        foreach (var service in services)
        {
            TestContext.Current.TestOutputHelper?.WriteLine(
                $"--- first errors of {service.Name} ---\n{service.ErrorEntries}\n"
                + $"--- last output of {service.Name} ---\n{Tail(service.RecentOutput, 40)}");
        }

        _dataDirectory.Delete(recursive: true);
    }

    private static ChildProcess StartService(string name, string project, Dictionary<string, string> settings)
    {
        var output = RepositoryLayout.ServiceOutput(project);
        var environment = new Dictionary<string, string>
        {
            // Information logs every request and every outbound call; on two cores that costs the load its speed.
            ["Logging__LogLevel__Default"] = "Warning",
            ["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information",
            ["Logging__LogLevel__Microsoft.Extensions.Hosting"] = "Information",
        };
        foreach (var (key, value) in settings)
        {
            environment[key.Replace(":", "__")] = value;
        }

        return ChildProcess.Start(name, "dotnet", [Path.Combine(output, project + ".dll")], output, environment);
    }

    private static async Task WaitUntilAsync(ChildProcess process, Func<Task<bool>> ready)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (!await ready())
        {
            if (process.HasExited)
            {
                throw new InvalidOperationException($"{process.Name} exited at start:\n{process.RecentOutput}");
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException(
                    $"{process.Name} was not ready within {StartTimeout}:\n{process.RecentOutput}");
            }

            await Task.Delay(100);
        }
    }

    private static string Tail(string text, int lines) =>
        string.Join('\n', text.Split('\n').TakeLast(lines));
}

using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace Chat.Tests.Store;

/// <summary>
/// One Redis-compatible server process on a free loopback port, with a temporary folder of its own and no
/// persistence, connected and answering PING. A cluster server is a one-node Redis Cluster owning every slot, so it
/// refuses a script whose keys hash to different slots, as a real cluster does.
/// </summary>
internal sealed class StoreServer : IAsyncDisposable
{
    private const int MaxStartAttempts = 3;
    private const int OutputLinesKept = 40;
    private const int LastSlot = 16383;

    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(100);

    private readonly Process _process;
    private readonly DirectoryInfo _directory;

    private StoreServer(string name, Process process, DirectoryInfo directory, int port, IConnectionMultiplexer redis)
    {
        Name = name;
        _process = process;
        _directory = directory;
        Port = port;
        Redis = redis;
    }

    public string Name { get; }

    public int Port { get; }

    /// <summary>A connection shared by the tests; a test that needs a connection of its own calls
    /// <see cref="ConnectAsync"/>.</summary>
    public IConnectionMultiplexer Redis { get; }

    /// <summary>The one server behind <see cref="Redis"/>, for commands that are not about a key.</summary>
    public IServer Server => Redis.GetServer(Redis.GetEndPoints().Single());

    /// <summary>
    /// Starts a server described by <paramref name="launch"/> (given a port and a folder) and waits until it answers.
    /// A server that exits before it answers is started again on another port, in case its port was taken meanwhile.
    /// </summary>
    public static async Task<StoreServer> StartAsync(
        string name, bool cluster, Func<int, DirectoryInfo, ProcessStartInfo> launch)
    {
        for (var attempt = 1; ; attempt++)
        {
            var port = FreeLoopbackPort();
            var directory = Directory.CreateTempSubdirectory("chat-store-");
            var output = new Queue<string>();
            var process = StartProcess(launch(port, directory), output);
            try
            {
                var redis = await WaitUntilAnsweringAsync(name, process, port, output);
                if (cluster)
                {
                    redis = await TakeEverySlotAsync(redis, port);
                }

                return new StoreServer(name, process, directory, port, redis);
            }
            catch (ServerExitedException) when (attempt < MaxStartAttempts)
            {
                await StopAsync(process, directory);
            }
            catch
            {
                await StopAsync(process, directory);
                throw;
            }
        }
    }

    public Task<ConnectionMultiplexer> ConnectAsync() => ConnectionMultiplexer.ConnectAsync(Options(Port));

    public override string ToString() => $"{Name} on port {Port}";

    public async ValueTask DisposeAsync()
    {
        await Redis.DisposeAsync();
        await StopAsync(_process, _directory);
    }

    private static ConfigurationOptions Options(int port) => new()
    {
        EndPoints = { new IPEndPoint(IPAddress.Loopback, port) },
        AllowAdmin = true,
        AbortOnConnectFail = true,
        ConnectTimeout = 2_000,
        // Generous: thousands of sends are queued at once on a machine whose two cores run other work too.
        AsyncTimeout = 30_000,
        SyncTimeout = 30_000,
    };

    private static int FreeLoopbackPort() => Reliability.FreePort.Next();

    private static Process StartProcess(ProcessStartInfo start, Queue<string> output)
    {
        start.UseShellExecute = false;
        start.RedirectStandardOutput = true;
        start.RedirectStandardError = true;
        var process = new Process { StartInfo = start };

        // Only the last lines are kept, to explain a server that fails to start.
        DataReceivedEventHandler keep = (_, line) =>
        {
            if (line.Data is null)
            {
                return;
            }

            lock (output)
            {
                output.Enqueue(line.Data);
                if (output.Count > OutputLinesKept)
                {
                    output.Dequeue();
                }
            }
        };
        process.OutputDataReceived += keep;
        process.ErrorDataReceived += keep;

        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return process;
    }

    private static async Task<IConnectionMultiplexer> WaitUntilAnsweringAsync(
        string name, Process process, int port, Queue<string> output)
    {
        var started = Stopwatch.GetTimestamp();
        while (true)
        {
            if (process.HasExited)
            {
                throw new ServerExitedException(
                    $"{name} exited with code {process.ExitCode} before it answered PING:\n{Tail(output)}");
            }

            try
            {
                // A refused socket fails at once, where the Redis client would wait out its connect timeout.
                using (var probe = new TcpClient())
                {
                    await probe.ConnectAsync(IPAddress.Loopback, port);
                }

                var redis = await ConnectionMultiplexer.ConnectAsync(Options(port));
                await redis.GetDatabase().PingAsync();
                return redis;
            }
            catch (Exception exception) when (exception is SocketException or RedisConnectionException
                && Stopwatch.GetElapsedTime(started) < StartTimeout)
            {
                await Task.Delay(PollInterval);
            }
            catch (Exception exception) when (exception is SocketException or RedisConnectionException)
            {
                throw new InvalidOperationException(
                    $"{name} did not answer PING on port {port} within {StartTimeout}:\n{Tail(output)}", exception);
            }
        }
    }

    /// <summary>Makes a fresh cluster node the owner of every slot, waits for the cluster to be healthy, and
    /// connects again so that the client sees the node as a cluster that serves every key.</summary>
    private static async Task<IConnectionMultiplexer> TakeEverySlotAsync(IConnectionMultiplexer redis, int port)
    {
        await using (redis)
        {
            var server = redis.GetServer(redis.GetEndPoints().Single());
            await server.ExecuteAsync("CLUSTER", "ADDSLOTSRANGE", 0, LastSlot);

            var started = Stopwatch.GetTimestamp();
            while (!((string?)await server.ExecuteAsync("CLUSTER", "INFO"))!.Contains("cluster_state:ok"))
            {
                if (Stopwatch.GetElapsedTime(started) > StartTimeout)
                {
                    throw new InvalidOperationException($"The cluster on port {port} did not become healthy.");
                }

                await Task.Delay(PollInterval);
            }
        }

        return await ConnectionMultiplexer.ConnectAsync(Options(port));
    }

    private static async Task StopAsync(Process process, DirectoryInfo directory)
    {
        if (!process.HasExited)
        {
            // The whole tree: "dotnet tool run" starts the server as a child process.
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        process.Dispose();
        try
        {
            directory.Delete(recursive: true);
        }
        catch (IOException)
        {
            // A child of the server may still have been writing a file there as it was killed.
            await Task.Delay(PollInterval);
            directory.Delete(recursive: true);
        }
    }

    private static string Tail(Queue<string> output)
    {
        lock (output)
        {
            return string.Join('\n', output);
        }
    }

    private sealed class ServerExitedException(string message) : Exception(message);
}

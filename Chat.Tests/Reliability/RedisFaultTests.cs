using Grpc.Health.V1;
using StackExchange.Redis;

namespace Chat.Tests.Reliability;

[Collection(ReliabilityCollection.Name)]
public sealed class RedisFaultTests
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan NoticeTimeout = TimeSpan.FromSeconds(10);

    /// <summary>
    /// SIGKILL gives Redis no chance to flush anything, so what survives is what its append-only file already held:
    /// redis-server writes the file before it replies and fsyncs it each second (a process kill loses nothing; a
    /// machine crash may lose the last second), Garnet commits each write before it replies (--aof-commit-wait).
    /// </summary>
    [Theory]
    [InlineData(RedisKind.RedisServer)]
    [InlineData(RedisKind.Garnet)]
    public async Task Redis_killed_and_restarted_under_load_keeps_every_acknowledged_send(RedisKind kind)
    {
        if (RedisProcess.Unavailable(kind) is { } reason)
        {
            Assert.Skip(reason);
        }

        await using var services = new ChatServices(kind);
        services.HttpSettings["ChatApi:RateLimitPerSecond"] = "0";
        await services.StartAsync();
        var unavailableWhileDown = 0;
        var slowestWhileDown = TimeSpan.Zero;

        var (load, audit) = await FaultRun.UnderLoadAsync($"{kind} SIGKILL", services, async load =>
        {
            services.Redis.Process.Kill();
            Assert.True(
                await ChatServices.EventuallyAsync(
                    async () => await services.RpcHealthAsync() == HealthCheckResponse.Types.ServingStatus.NotServing,
                    NoticeTimeout),
                "The RPC server's gRPC health still says SERVING with Redis gone.");
            Assert.True(
                await ChatServices.EventuallyAsync(async () => !await services.IsHttpReadyAsync(), NoticeTimeout),
                "The HTTP server still says it is ready with Redis gone.");
            var before = load.Tally.Unavailable;
            await Task.Delay(Outage);
            unavailableWhileDown = load.Tally.Unavailable - before;
            slowestWhileDown = load.Tally.SlowestFailure;

            await services.Redis.StartAsync();
            Assert.True(await ChatServices.EventuallyAsync(services.IsHttpReadyAsync, NoticeTimeout),
                "The services did not become ready again by themselves.");
        });

        FaultRun.AssertNothingLostOrDuplicated(load, audit);
        Assert.True(unavailableWhileDown > 0, "No send was answered 503 while Redis was down.");
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"[{kind} SIGKILL] slowest failed answer while Redis was down: {slowestWhileDown.TotalMilliseconds:0} ms");
    }

    /// <summary>
    /// A redis-server that restarts reads its append-only file before it serves, and meanwhile answers most commands
    /// with a LOADING error. A send then is refused with 503 and Retry-After, as while Redis is down, never 500, and
    /// nothing is lost or stored twice. Loading is made to last seconds: filler keys, each read with a delay
    /// (key-load-delay, a redis-server setting made for such tests), and events served after every kilobyte read.
    /// Garnet reads its log before it listens, so it has no such state to test.
    /// </summary>
    [Fact]
    public async Task Sends_while_Redis_loads_its_data_after_a_restart_are_answered_503_and_none_is_lost()
    {
        if (RedisProcess.Unavailable(RedisKind.RedisServer) is { } reason)
        {
            Assert.Skip(reason);
        }

        await using var services = new ChatServices(RedisKind.RedisServer);
        services.HttpSettings["ChatApi:RateLimitPerSecond"] = "0";
        await services.StartAsync();
        await WriteFillerAndRewriteLogAsync(services.Redis, keys: 20_000);
        var unavailableWhileLoading = 0;

        var (load, audit) = await FaultRun.UnderLoadAsync("RedisServer LOADING", services, async load =>
        {
            services.Redis.Process.Kill();
            Assert.True(await services.Redis.Process.WaitForExitAsync(NoticeTimeout), "Redis outlived SIGKILL.");
            await services.Redis.StartAsync(
                ["--key-load-delay", "200", "--loading-process-events-interval-bytes", "1024"]);
            Assert.True(await IsLoadingAsync(services.Redis), "Redis had already loaded its data when it answered.");

            var before = load.Tally.Unavailable;
            Assert.True(
                await ChatServices.EventuallyAsync(async () => !await IsLoadingAsync(services.Redis), NoticeTimeout),
                "Redis did not finish loading its data.");
            unavailableWhileLoading = load.Tally.Unavailable - before;

            Assert.True(await ChatServices.EventuallyAsync(services.IsHttpReadyAsync, NoticeTimeout),
                "The services did not become ready again by themselves.");
        });

        FaultRun.AssertNothingLostOrDuplicated(load, audit);
        Assert.True(unavailableWhileLoading > 0, "No send was answered 503 while Redis was loading.");
    }

    /// <summary>Keys the chat never reads, then a rewrite of the append-only file, which a restart loads whole.
    /// </summary>
    private static async Task WriteFillerAndRewriteLogAsync(RedisProcess redis, int keys)
    {
        await using var connection = await redis.ConnectAsync();
        var database = connection.GetDatabase();
        await Task.WhenAll(Enumerable.Range(0, keys).Select(i => database.StringSetAsync($"filler:{i}", i)));

        var server = connection.GetServer(redis.ConnectionString);
        await server.ExecuteAsync("BGREWRITEAOF");
        var rewritten = await ChatServices.EventuallyAsync(async () =>
        {
            var persistence = await PersistenceAsync(server);
            return persistence.Contains("aof_rewrite_in_progress:0")
                && persistence.Contains("aof_rewrite_scheduled:0");
        }, NoticeTimeout);
        Assert.True(rewritten, "Redis did not rewrite its append-only file.");
    }

    private static async Task<bool> IsLoadingAsync(RedisProcess redis)
    {
        await using var connection = await redis.ConnectAsync();
        var persistence = await PersistenceAsync(connection.GetServer(redis.ConnectionString));
        return persistence.Contains("loading:1");
    }

    /// <summary>The lines of INFO persistence, such as "loading:1".</summary>
    private static async Task<string[]> PersistenceAsync(IServer server) =>
        (await server.InfoRawAsync("persistence") ?? string.Empty).Split("\r\n");
}

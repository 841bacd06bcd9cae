using Grpc.Health.V1;

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
}

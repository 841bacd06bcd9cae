namespace Chat.Tests.Reliability;

[Collection(ReliabilityCollection.Name)]
public sealed class RpcServerFaultTests
{
    private static readonly TimeSpan Outage = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan NoticeTimeout = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task Rpc_server_killed_and_restarted_under_load_loses_and_duplicates_nothing()
    {
        await using var services = new ChatServices();
        services.HttpSettings["ChatApi:RateLimitPerSecond"] = "0";
        await services.StartAsync();
        var unavailableWhileDown = 0;

        var (load, audit) = await FaultRun.UnderLoadAsync("rpcserver SIGKILL", services, async load =>
        {
            services.RpcServer.Kill();
            Assert.True(
                await ChatServices.EventuallyAsync(async () => !await services.IsHttpReadyAsync(), NoticeTimeout),
                "The HTTP server still says it is ready with the RPC server gone.");
            var before = load.Tally.Unavailable;
            await Task.Delay(Outage);
            unavailableWhileDown = load.Tally.Unavailable - before;

            await services.StartRpcServerAsync();
            Assert.True(await ChatServices.EventuallyAsync(services.IsHttpReadyAsync, NoticeTimeout),
                "The HTTP server did not become ready again by itself.");
        });

        FaultRun.AssertNothingLostOrDuplicated(load, audit);
        Assert.True(unavailableWhileDown > 0, "No send was answered 503 while the RPC server was down.");
    }
}

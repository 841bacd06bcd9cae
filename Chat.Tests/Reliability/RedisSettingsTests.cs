namespace Chat.Tests.Reliability;

/// <summary>The settings that a local redis-server gets from the app host, read back from the running server.</summary>
public sealed class RedisSettingsTests
{
    /// <summary>Expired idempotency keys are deleted in Redis's background tasks; run 100 times a second, no one run
    /// holds the commands up for long (docs/benchmark.md).</summary>
    [Fact]
    public async Task A_local_redis_server_keeps_an_append_only_file_and_runs_its_background_tasks_100_times_a_second()
    {
        if (RedisProcess.Unavailable(RedisKind.RedisServer) is { } reason)
        {
            Assert.Skip(reason);
        }

        var dataDirectory = Path.Combine(Path.GetTempPath(), $"chat-redis-settings-{Guid.NewGuid():N}");
        try
        {
            await using var redis = new RedisProcess(RedisKind.RedisServer, dataDirectory);
            await redis.StartAsync();
            await using var connection = await redis.ConnectAsync();

            var settings = await connection.GetServers().Single().ConfigGetAsync("*");

            var values = settings.ToDictionary(pair => pair.Key, pair => pair.Value);
            Assert.Equal("100", values["hz"]);
            Assert.Equal("yes", values["appendonly"]);
            Assert.Equal("everysec", values["appendfsync"]);
        }
        finally
        {
            Directory.Delete(dataDirectory, recursive: true);
        }
    }
}

using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using static Chat.Tests.Distributed.ChatApiClient;

namespace Chat.Tests.Distributed;

/// <summary>The app host's local Redis modes: each one works end to end and keeps messages across a restart.</summary>
public sealed class LocalRedisTests
{
    [Theory]
    [InlineData("redis-server")]
    [InlineData("garnet")]
    public async Task Messages_survive_a_restart_of_the_app_host(string server)
    {
        SkipUnlessInstalled(server);
        var dataDirectory = Directory.CreateTempSubdirectory("chat-restart-");
        var (chat, alice, bob) = NewConversation();
        try
        {
            ApiMessage first;
            await using (var app = await RunningChatApp.StartAsync(dataDirectory.FullName, server))
            {
                AssertRedisRunsAs(app, server);
                first = await app.Http.SendWithRetriesAsync(chat, alice, "before the restart");
            }

            await using (var app = await RunningChatApp.StartAsync(dataDirectory.FullName, server))
            {
                var second = await app.Http.SendWithRetriesAsync(chat, bob, "after the restart");

                var page = await app.Http.PullAsync(chat);
                Assert.Equal([first, second], page.Messages);
                Assert.True(second.SendTime > first.SendTime);
            }
        }
        finally
        {
            dataDirectory.Delete(recursive: true);
        }
    }

    private static void AssertRedisRunsAs(RunningChatApp app, string server)
    {
        var redis = Assert.IsType<ExecutableResource>(
            app.App.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == "redis"),
            exactMatch: false);
        Assert.Equal(server == "garnet" ? "dotnet" : "redis-server", Path.GetFileName(redis.Command));
    }

    private static void SkipUnlessInstalled(string server)
    {
        if (server != "redis-server" || OnPath("redis-server"))
        {
            return;
        }

        if (Environment.GetEnvironmentVariable("CHAT_TESTS_REQUIRE_REDIS") == "1")
        {
            Assert.Fail("redis-server is not installed, and CHAT_TESTS_REQUIRE_REDIS=1 forbids skipping.");
        }

        Assert.Skip("redis-server is not installed (apt-get install redis-server); the Garnet case still runs.");
    }

    private static bool OnPath(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, program)));
}

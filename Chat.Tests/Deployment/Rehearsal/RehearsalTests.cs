using System.Net;
using System.Net.Http.Json;
using System.Text.Json.Nodes;

namespace Chat.Tests.Deployment.Rehearsal;

/// <summary>
/// The generated configuration works outside the app host: the services run with only what the manifests give them,
/// find each other by Service name, and serve the API contract through the HTTP server's pods.
/// </summary>
public sealed class RehearsalTests(ClusterRehearsal cluster) : IClassFixture<ClusterRehearsal>
{
    private static readonly TimeSpan RecoveryTimeout = TimeSpan.FromSeconds(60);

    [Fact]
    public async Task A_message_sent_through_one_HTTP_server_pod_is_pulled_through_the_other()
    {
        cluster.RequireRunning();
        using var client = cluster.ClientHttp();

        var sent = await SendAsync(client, 0, "alice:bob", "alice", "hello from outside the cluster");
        using var pulled = await client.GetAsync(
            cluster.HttpServerUri(1, "/api/pull?chat=bob%3Aalice"), TestContext.Current.CancellationToken);

        Assert.Equal(HttpStatusCode.OK, pulled.StatusCode);
        var page = JsonNode.Parse(await pulled.Content.ReadAsStringAsync(TestContext.Current.CancellationToken))!;
        var message = Assert.Single(page["messages"]!.AsArray());
        Assert.Equal("alice:bob", message!["chat"]!.GetValue<string>());
        Assert.Equal("hello from outside the cluster", message["text"]!.GetValue<string>());
        Assert.Equal(sent["send_time"]!.GetValue<long>(), message["send_time"]!.GetValue<long>());
    }

    [Fact]
    public async Task Every_probe_of_the_overlay_passes_against_its_running_pod()
    {
        cluster.RequireRunning();

        var results = await cluster.ProbeAllAsync();

        Assert.Equal(
            ["httpserver-0", "httpserver-1", "redis-0", "rpcserver-0"],
            results.Select(r => r.Pod).Distinct().Order(StringComparer.Ordinal));
        Assert.All(results.GroupBy(r => r.Pod), pod => Assert.Equal(
            ["liveness", "readiness", "startup"], pod.Select(r => r.Probe).Order(StringComparer.Ordinal)));
        Assert.All(results, result => Assert.True(
            result.Result.Passed, $"{result.Pod} {result.Probe}: {result.Result.Detail}"));
    }

    [Fact]
    public async Task Redis_runs_with_the_append_only_file_and_keeps_sent_messages_across_a_restart()
    {
        cluster.RequireRunning();
        using var client = cluster.ClientHttp();
        var sent = await SendAsync(client, 0, "carol:dave", "dave", "written before Redis restarts");

        var appendOnly = await CommandLine.RunAsync("ip", [
            "netns", "exec", cluster.Redis.Pod.Namespace,
            "redis-cli", "-a", cluster.RedisPassword, "--no-auth-warning", "config", "get", "appendonly",
        ]);
        await cluster.RestartRedisAsync();
        var page = await PullUntilAnsweredAsync(client, "/api/pull?chat=carol%3Adave");

        Assert.Equal(["appendonly", "yes"], appendOnly.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.True(Directory.Exists(Path.Combine(cluster.RedisDataDirectory, "appendonlydir")));
        var message = Assert.Single(page["messages"]!.AsArray());
        Assert.Equal(sent["send_time"]!.GetValue<long>(), message!["send_time"]!.GetValue<long>());
    }

    private async Task<JsonNode> SendAsync(HttpClient client, int pod, string chat, string sender, string text)
    {
        var token = TestContext.Current.CancellationToken;
        using var response = await client.PostAsJsonAsync(
            cluster.HttpServerUri(pod, "/api/send"), new { chat, sender, text }, token);
        var body = await response.Content.ReadAsStringAsync(token);
        Assert.True(response.StatusCode == HttpStatusCode.OK, $"send answered {response.StatusCode}: {body}");
        return JsonNode.Parse(body)!;
    }

    /// <summary>The RPC server reconnects to Redis by itself; meanwhile the API answers 503.</summary>
    private async Task<JsonNode> PullUntilAnsweredAsync(HttpClient client, string pathAndQuery)
    {
        var deadline = DateTime.UtcNow + RecoveryTimeout;
        while (true)
        {
            var token = TestContext.Current.CancellationToken;
            using var response = await client.GetAsync(cluster.HttpServerUri(1, pathAndQuery), token);
            var body = await response.Content.ReadAsStringAsync(token);
            if (response.StatusCode == HttpStatusCode.OK)
            {
                return JsonNode.Parse(body)!;
            }

            Assert.True(
                response.StatusCode == HttpStatusCode.ServiceUnavailable && DateTime.UtcNow < deadline,
                $"pull answered {response.StatusCode} after the Redis restart: {body}");
            await Task.Delay(TimeSpan.FromMilliseconds(500), TestContext.Current.CancellationToken);
        }
    }
}

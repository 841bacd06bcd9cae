using System.Net;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using static Chat.Tests.Distributed.ChatApiClient;

namespace Chat.Tests.Distributed;

/// <summary>An app whose HTTP server is pointed at an address where no RPC server listens.</summary>
public sealed class UnreachableRpcServerAppFixture : ChatAppFixture
{
    protected override bool WaitForHealthy => false;

    protected override void Configure(IDistributedApplicationTestingBuilder builder) =>
        HttpServer(builder).WithEnvironment("ChatApi__RpcServerAddress", "http://127.0.0.1:1");

    internal static IResourceBuilder<ProjectResource> HttpServer(IDistributedApplicationTestingBuilder builder) =>
        builder.CreateResourceBuilder(builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "httpserver"));
}

/// <summary>The contract's fault row: the RPC server unreachable is 503 with Retry-After, and the HTTP server is
/// not ready meanwhile. (Stopping and restarting a running RPC server is in the reliability suite.)</summary>
public sealed class RpcServerUnreachableTests(UnreachableRpcServerAppFixture app)
    : IClassFixture<UnreachableRpcServerAppFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task With_no_rpc_server_to_reach_send_and_pull_are_503_with_retry_after()
    {
        var (chat, alice, _) = NewConversation();

        using var send = await app.Http.SendJsonAsync(
            HttpMethod.Post, "/api/send", new { chat, text = "x", sender = alice });
        using var pull = await app.Http.GetAsync($"/api/pull?chat={chat}", Cancellation);

        await AssertProblemAsync(send, HttpStatusCode.ServiceUnavailable);
        await AssertProblemAsync(pull, HttpStatusCode.ServiceUnavailable);
        Assert.NotNull(send.Headers.RetryAfter);
        Assert.NotNull(pull.Headers.RetryAfter);
    }

    [Fact]
    public async Task With_no_rpc_server_to_reach_the_http_server_is_alive_but_not_ready()
    {
        using var health = await app.Http.GetAsync("/health", Cancellation);
        using var alive = await app.Http.GetAsync("/alive", Cancellation);

        Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
        Assert.Equal(HttpStatusCode.OK, alive.StatusCode);
    }
}

/// <summary>An app whose HTTP server gives every internal call a deadline too short to be met.</summary>
public sealed class ShortDeadlineAppFixture : ChatAppFixture
{
    protected override void Configure(IDistributedApplicationTestingBuilder builder) =>
        UnreachableRpcServerAppFixture.HttpServer(builder).WithEnvironment("ChatApi__RpcDeadline", "00:00:00.000001");
}

/// <summary>The contract's fault row: the internal call running out of its deadline is 504.</summary>
public sealed class DeadlineTests(ShortDeadlineAppFixture app) : IClassFixture<ShortDeadlineAppFixture>
{
    [Fact]
    public async Task A_call_that_passes_its_deadline_is_a_504_problem()
    {
        var (chat, _, _) = NewConversation();

        using var pull = await app.Http.GetAsync($"/api/pull?chat={chat}", TestContext.Current.CancellationToken);

        await AssertProblemAsync(pull, HttpStatusCode.GatewayTimeout);
    }
}

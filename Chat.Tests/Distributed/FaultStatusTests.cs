using System.Net;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;
using static Chat.Tests.Distributed.ChatApiClient;

namespace Chat.Tests.Distributed;

/// <summary>The contract's fault rows: the RPC server unreachable is 503 with Retry-After.</summary>
public sealed class RpcServerDownTests(ChatAppFixture app) : IClassFixture<ChatAppFixture>
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task With_the_rpc_server_stopped_send_and_pull_are_503_with_retry_after()
    {
        var (chat, alice, _) = NewConversation();
        var commands = app.App.Services.GetRequiredService<ResourceCommandService>();

        var stopped = await commands.ExecuteCommandAsync("rpcserver", KnownResourceCommands.StopCommand, Cancellation);
        Assert.True(stopped.Success, stopped.Message);
        try
        {
            using var send = await app.Http.SendJsonAsync(
                HttpMethod.Post, "/api/send", new { chat, text = "x", sender = alice });
            using var pull = await app.Http.GetAsync($"/api/pull?chat={chat}", Cancellation);

            await AssertProblemAsync(send, HttpStatusCode.ServiceUnavailable);
            await AssertProblemAsync(pull, HttpStatusCode.ServiceUnavailable);
            Assert.NotNull(send.Headers.RetryAfter);
            Assert.NotNull(pull.Headers.RetryAfter);
        }
        finally
        {
            await commands.ExecuteCommandAsync("rpcserver", KnownResourceCommands.StartCommand, Cancellation);
        }

        await app.App.ResourceNotifications.WaitForResourceHealthyAsync("rpcserver", Cancellation)
            .WaitAsync(TimeSpan.FromMinutes(1), Cancellation);
        Assert.Empty((await app.Http.PullAsync(chat)).Messages);
    }
}

/// <summary>An app whose HTTP server gives every internal call a deadline too short to be met.</summary>
public sealed class ShortDeadlineAppFixture : ChatAppFixture
{
    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        var httpServer = builder.Resources.OfType<ProjectResource>().Single(r => r.Name == "httpserver");
        builder.CreateResourceBuilder(httpServer).WithEnvironment("ChatApi__RpcDeadline", "00:00:00.000001");
    }
}

/// <summary>The contract's fault rows: the internal call running out of its deadline is 504.</summary>
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

using Aspire.Hosting;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Tests.Distributed;

/// <summary>
/// The real app host, started once for a test class: Redis (a local server here, where no container runtime runs),
/// the RPC server and the HTTP server, on ports the orchestrator picks. Its data folder is a fresh temporary one.
/// </summary>
public class ChatAppFixture : IAsyncLifetime
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private readonly DirectoryInfo _dataDirectory = Directory.CreateTempSubdirectory("chat-apphost-");

    public DistributedApplication App { get; private set; } = null!;

    /// <summary>A plain client of the HTTP server's "http" endpoint, with no retries of its own.</summary>
    public HttpClient Http { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Chat_AppHost>(
            [$"--LocalRedis:DataDirectory={_dataDirectory.FullName}"], TestContext.Current.CancellationToken);
        builder.Services.ConfigureHttpClientDefaults(http => http.ConfigureHttpClient(
            client => client.Timeout = TimeSpan.FromSeconds(30)));
        Configure(builder);

        App = await builder.BuildAsync(TestContext.Current.CancellationToken);
        await App.StartAsync(TestContext.Current.CancellationToken).WaitAsync(StartTimeout);
        await App.ResourceNotifications.WaitForResourceHealthyAsync("httpserver", TestContext.Current.CancellationToken)
            .WaitAsync(StartTimeout);

        Http = App.CreateHttpClient("httpserver", "http");
    }

    /// <summary>Changes the app before it starts; a fixture for a special case overrides it.</summary>
    protected virtual void Configure(IDistributedApplicationTestingBuilder builder)
    {
    }

    public async ValueTask DisposeAsync()
    {
        Http?.Dispose();
        if (App is not null)
        {
            await App.DisposeAsync();
        }

        _dataDirectory.Delete(recursive: true);
    }
}

using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using Microsoft.Extensions.DependencyInjection;

namespace Chat.Tests.Distributed;

/// <summary>
/// The real app host, started through Aspire.Hosting.Testing: Redis (a local server here, where no container runtime
/// runs), the RPC server and the HTTP server, on ports the orchestrator picks.
/// </summary>
public sealed class RunningChatApp : IAsyncDisposable
{
    private static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private RunningChatApp(DistributedApplication app, HttpClient http)
    {
        App = app;
        Http = http;
    }

    public DistributedApplication App { get; }

    /// <summary>A plain client of the HTTP server's "http" endpoint, with no retries of its own.</summary>
    public HttpClient Http { get; }

    /// <param name="dataDirectory">Where the local Redis keeps its append-only file.</param>
    /// <param name="localServer">"redis-server" or "garnet" to ask for one; null lets the app host choose.</param>
    /// <param name="configure">Changes to the app before it starts.</param>
    /// <param name="waitForHealthy">False to wait only until the HTTP server runs (an app broken on purpose).</param>
    public static async Task<RunningChatApp> StartAsync(
        string dataDirectory,
        string? localServer = null,
        Action<IDistributedApplicationTestingBuilder>? configure = null,
        bool waitForHealthy = true)
    {
        var cancellation = TestContext.Current.CancellationToken;
        string[] arguments = localServer is null
            ? [$"--LocalRedis:DataDirectory={dataDirectory}"]
            : [$"--LocalRedis:DataDirectory={dataDirectory}", $"--LocalRedis:Server={localServer}"];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.Chat_AppHost>(
            arguments, cancellation);
        builder.Services.ConfigureHttpClientDefaults(http => http.ConfigureHttpClient(
            client => client.Timeout = TimeSpan.FromSeconds(30)));
        configure?.Invoke(builder);

        var app = await builder.BuildAsync(cancellation);
        try
        {
            await app.StartAsync(cancellation).WaitAsync(StartTimeout, cancellation);
            var started = waitForHealthy
                ? app.ResourceNotifications.WaitForResourceHealthyAsync("httpserver", cancellation)
                : app.ResourceNotifications.WaitForResourceAsync(
                    "httpserver", KnownResourceStates.Running, cancellation);
            await started.WaitAsync(StartTimeout, cancellation);
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }

        return new RunningChatApp(app, app.CreateHttpClient("httpserver", "http"));
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.DisposeAsync();
    }
}

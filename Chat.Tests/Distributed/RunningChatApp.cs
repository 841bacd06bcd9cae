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

        var running = new RunningChatApp(app, app.CreateHttpClient("httpserver", "http"));
        if (!waitForHealthy)
        {
            // Running means the process has started, not that it listens: until it does, the orchestrator's proxy
            // takes connections and closes them. /alive answers once it listens, whatever its dependencies.
            try
            {
                await running.WaitUntilAliveAsync(cancellation);
            }
            catch
            {
                await running.DisposeAsync();
                throw;
            }
        }

        return running;
    }

    private async Task WaitUntilAliveAsync(CancellationToken cancellation)
    {
        var deadline = DateTime.UtcNow + StartTimeout;
        while (true)
        {
            try
            {
                using var alive = await Http.GetAsync("/alive", cancellation);
                if (alive.IsSuccessStatusCode)
                {
                    return;
                }
            }
            catch (HttpRequestException) when (DateTime.UtcNow < deadline)
            {
                // Not listening yet.
            }

            if (DateTime.UtcNow >= deadline)
            {
                throw new TimeoutException($"The HTTP server did not answer /alive within {StartTimeout}.");
            }

            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellation);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await App.DisposeAsync();
    }
}

using Aspire.Hosting;
using Aspire.Hosting.Testing;

namespace Chat.Tests.Distributed;

/// <summary>The real app host, started once for a test class, with a fresh temporary data folder.</summary>
public class ChatAppFixture : IAsyncLifetime
{
    private readonly DirectoryInfo _dataDirectory = Directory.CreateTempSubdirectory("chat-apphost-");
    private RunningChatApp? _running;

    public DistributedApplication App => Running.App;

    /// <summary>A plain client of the HTTP server's "http" endpoint, with no retries of its own.</summary>
    public HttpClient Http => Running.Http;

    private RunningChatApp Running => _running ?? throw new InvalidOperationException("The app has not started.");

    public async ValueTask InitializeAsync() =>
        _running = await RunningChatApp.StartAsync(
            _dataDirectory.FullName, configure: Configure, waitForHealthy: WaitForHealthy);

    /// <summary>False for an app that is broken on purpose and never turns healthy.</summary>
    protected virtual bool WaitForHealthy => true;

    public async ValueTask DisposeAsync()
    {
        if (_running is not null)
        {
            await _running.DisposeAsync();
        }

        _dataDirectory.Delete(recursive: true);
    }

    /// <summary>Changes the app before it starts; a fixture for a special case overrides it.</summary>
    protected virtual void Configure(IDistributedApplicationTestingBuilder builder)
    {
    }
}

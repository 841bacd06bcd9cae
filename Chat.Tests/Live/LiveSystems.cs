using Chat.Tests.Store;

namespace Chat.Tests.Live;

/// <summary>The replicas of the live tests, one set per store server kind, each started on first use.</summary>
public sealed class LiveSystems : IAsyncDisposable
{
    private readonly Dictionary<StoreServerKind, Lazy<Task<LiveReplicas>>> _systems = [];

    public LiveSystems()
    {
        foreach (var kind in Enum.GetValues<StoreServerKind>())
        {
            _systems[kind] = new Lazy<Task<LiveReplicas>>(async () =>
                await LiveReplicas.StartAsync(await Servers.GetAsync(kind)));
        }
    }

    /// <summary>The store servers; the live feed tests that need no services use them directly.</summary>
    public StoreServers Servers { get; } = new();

    internal async Task<LiveReplicas> GetAsync(StoreServerKind kind)
    {
        // Skips (or fails) here as the store tests do when redis-server is missing.
        await Servers.GetAsync(kind);
        return await _systems[kind].Value;
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var start in _systems.Values.Where(lazy => lazy.IsValueCreated).Select(lazy => lazy.Value))
        {
            await ((Task)start).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            if (start.IsCompletedSuccessfully)
            {
                await start.Result.DisposeAsync();
            }
        }

        await Servers.DisposeAsync();
    }
}

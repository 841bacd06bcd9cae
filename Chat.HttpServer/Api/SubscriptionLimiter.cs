using System.Net;
using Microsoft.Extensions.Options;

namespace Chat.HttpServer.Api;

/// <summary>Counts the open subscriptions of each client address on this replica and refuses one over the limit.
/// </summary>
public sealed class SubscriptionLimiter(IOptions<ChatApiOptions> options)
{
    private readonly int _limit = options.Value.MaxSubscriptionsPerClient;
    private readonly Dictionary<IPAddress, int> _open = [];

    /// <summary>A lease to dispose when the subscription ends, or null when the address is at its limit.</summary>
    public Lease? TryAcquire(IPAddress? client)
    {
        var address = client ?? IPAddress.None;
        lock (_open)
        {
            var count = _open.GetValueOrDefault(address);
            if (count >= _limit)
            {
                return null;
            }

            _open[address] = count + 1;
        }

        return new Lease(this, address);
    }

    private void Release(IPAddress address)
    {
        lock (_open)
        {
            var count = _open[address] - 1;
            if (count == 0)
            {
                _open.Remove(address);
            }
            else
            {
                _open[address] = count;
            }
        }
    }

    public sealed class Lease(SubscriptionLimiter owner, IPAddress address) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                owner.Release(address);
            }
        }
    }
}

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// Where the runtime runs the completions of socket operations on Linux. By default its socket threads hand each one
/// over to the thread pool; inline, the socket thread runs it at once. Measured on two cores shared by both
/// services, Redis and the load generator (docs/benchmark.md), inline saved a thread wake-up per completion, and sends
/// and pulls went faster with it. The price: a completion that blocks holds up the other sockets of its thread, and
/// no code of these services blocks in one.
/// </summary>
public static class SocketCompletions
{
    /// <summary>The runtime reads this variable once, when the first socket operation is made.</summary>
    public const string InlineVariable = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    /// <summary>Turns inline completions on unless the environment already says either way ("0" keeps them off).
    /// Call it first in Program, before anything opens a socket.</summary>
    public static void PreferInline()
    {
        if (Environment.GetEnvironmentVariable(InlineVariable) is null)
        {
            Environment.SetEnvironmentVariable(InlineVariable, "1");
        }
    }
}

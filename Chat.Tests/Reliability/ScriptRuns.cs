using StackExchange.Redis;

namespace Chat.Tests.Reliability;

/// <summary>Redis's own count of the scripts it ran, the witness of how many calls reached the store.</summary>
internal static class ScriptRuns
{
    /// <summary>How many times the server ran a script (EVAL or EVALSHA) since it started.</summary>
    public static async Task<long> CountAsync(IConnectionMultiplexer redis)
    {
        var server = redis.GetServer(redis.GetEndPoints()[0]);
        var stats = (await server.InfoAsync("commandstats")).SelectMany(group => group).ToArray();
        return stats.Where(pair => pair.Key is "cmdstat_eval" or "cmdstat_evalsha")
            .Sum(pair => long.Parse(pair.Value.Split(',')[0]["calls=".Length..]));
    }
}

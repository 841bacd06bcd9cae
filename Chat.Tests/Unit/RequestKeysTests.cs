extern alias HttpServer;

using HttpServer::Chat.HttpServer.Api;

namespace Chat.Tests.Unit;

public sealed class RequestKeysTests
{
    [Fact]
    public void Keys_made_at_once_on_many_threads_are_all_different()
    {
        const int threads = 8;
        const int keysPerThread = 20_000;
        var made = new string[threads][];

        Parallel.For(0, threads, thread =>
        {
            made[thread] = new string[keysPerThread];
            for (var i = 0; i < keysPerThread; i++)
            {
                made[thread][i] = RequestKeys.Next();
            }
        });

        var all = made.SelectMany(keys => keys).ToList();
        Assert.Equal(threads * keysPerThread, all.Distinct(StringComparer.Ordinal).Count());
    }

    [Fact]
    public void A_key_is_32_hexadecimal_characters_whose_random_half_is_the_same_within_a_process()
    {
        var first = RequestKeys.Next();
        var second = RequestKeys.Next();

        Assert.Matches("^[0-9a-f]{32}$", first);
        Assert.Matches("^[0-9a-f]{32}$", second);
        Assert.Equal(first[..16], second[..16]);
        Assert.NotEqual(first[16..], second[16..]);
    }
}

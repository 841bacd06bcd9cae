using System.Security.Cryptography;

namespace Chat.HttpServer.Api;

/// <summary>
/// The idempotency keys that the HTTP server makes for sends that come without one: 32 hexadecimal characters, of
/// which the first 16 are drawn once per process from the cryptographic generator and the last 16 count the keys made.
/// </summary>
/// <remarks>
/// A key only has to be unique (a retry of the internal call carries the same one) and out of a client's reach (a
/// client who could name it could replay another's message). The random half makes keys of two replicas or two runs
/// differ, and it never leaves the servers, so no client can guess it. Drawing fresh random bits for every send, as
/// <see cref="Guid.NewGuid"/> does, cost a read of /dev/urandom each time on the Linux measured: a system call per
/// request, counted with strace in the HTTP server under the benchmark (docs/benchmark.md).
/// </remarks>
internal static class RequestKeys
{
    private static readonly string ProcessPart = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));

    private static long _made;

    public static string Next()
    {
        var count = (ulong)Interlocked.Increment(ref _made);
        return string.Create(32, count, static (key, count) =>
        {
            ProcessPart.CopyTo(key);
            count.TryFormat(key[16..], out _, "x16");
        });
    }
}

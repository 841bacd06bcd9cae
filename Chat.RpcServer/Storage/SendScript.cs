namespace Chat.RpcServer.Storage;

/// <summary>
/// The one atomic step of a send, or of several sends in order, as a Lua script that runs unchanged on Redis 7 and
/// on Garnet. Send i (from 1) has KEYS[2i-1] (its conversation's messages) and KEYS[2i] (its idempotency key), and
/// ARGV[4i-3..4i]: the sender's index, the text, the key's retention in seconds and the live channel.
/// </summary>
/// <remarks>
/// send_time comes from the Redis server's own clock (TIME), so every replica of the RPC server stamps a
/// conversation from the same clock; it is raised to one past the newest stored message when that clock has not
/// moved on (or went back), which keeps send_time unique and strictly increasing in commit order. The clock is read
/// once per script: the sends of one script that share a conversation get consecutive send_times after it.
/// The number is formatted with %d because Lua would print a double this large in exponent form.
/// Returns { flag, member } for each send: 1 for a new message, 0 when the idempotency key names one already stored.
/// The key is looked up and written in one command (SET ... NX GET, Redis 7.0 and later, and Garnet): it is written
/// only if no earlier send holds it, and the stamp of the one that does comes back. Each call out of Lua costs Redis
/// about as much as the command itself, so one call less per send counts (docs/benchmark.md).
/// The key is written before the message: a server that replays its log only in part after a crash (Garnet was
/// seen to) then keeps at worst a key without its message, which a retry fills (the key is then written again with
/// the new stamp), never a message without its key, which a retry would store a second time.
/// A new message is also published on the conversation's live channel as "{previous send_time}:{member}" (0 when it
/// is the first), from inside the script so that publish order is commit order and a subscriber can tell from the
/// previous send_time whether it missed one. Redis and Garnet both allow PUBLISH in a script.
/// Constant arguments of redis.call are strings ('-1', not -1): Redis turns a Lua number argument into text with a
/// floating-point printf, which cost about 2 µs of Redis time per number (redis-benchmark, docs/benchmark.md).
/// </remarks>
internal static class SendScript
{
    public const string Source = """
        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
        local results = {}

        for i = 1, #KEYS / 2 do
          local messages, sent = KEYS[2 * i - 1], KEYS[2 * i]
          local sender, text, retention, live = ARGV[4 * i - 3], ARGV[4 * i - 2], ARGV[4 * i - 1], ARGV[4 * i]

          local sendTime = now
          local previous = '0'
          local newest = redis.call('ZRANGE', messages, '-1', '-1')[1]
          if newest then
            previous = string.match(newest, '^(%d+):')
            local newestTime = tonumber(previous)
            if sendTime <= newestTime then
              sendTime = newestTime + 1
            end
          end
          local stamp = string.format('%d', sendTime)

          local stored
          local first = redis.call('SET', sent, stamp, 'NX', 'GET', 'EX', retention)
          if first then
            stored = redis.call('ZRANGEBYSCORE', messages, first, first, 'LIMIT', '0', '1')[1]
            if not stored then
              redis.call('SET', sent, stamp, 'EX', retention)
            end
          end

          if stored then
            results[2 * i - 1] = 0
            results[2 * i] = stored
          else
            local member = stamp .. ':' .. sender .. ':' .. text
            redis.call('ZADD', messages, stamp, member)
            redis.call('PUBLISH', live, previous .. ':' .. member)
            results[2 * i - 1] = 1
            results[2 * i] = member
          end
        end

        return results
        """;
}

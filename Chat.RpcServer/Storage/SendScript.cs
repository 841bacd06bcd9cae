namespace Chat.RpcServer.Storage;

/// <summary>
/// The one atomic step of a send, as a Lua script that runs unchanged on Redis 7 and on Garnet.
/// </summary>
/// <remarks>
/// send_time comes from the Redis server's own clock (TIME), so every replica of the RPC server stamps a
/// conversation from the same clock; it is raised to one past the newest stored message when that clock has not
/// moved on (or went back), which keeps send_time unique and strictly increasing in commit order.
/// The number is formatted with %d because Lua would print a double this large in exponent form.
/// Returns { 1, member } for a new message and { 0, member } when the idempotency key names one already stored.
/// The key is written before the message: a server that replays its log only in part after a crash (Garnet was
/// seen to) then keeps at worst a key without its message, which a retry fills, never a message without its key,
/// which a retry would store a second time.
/// A new message is also published on the conversation's live channel as "{previous send_time}:{member}" (0 when it
/// is the first), from inside the script so that publish order is commit order and a subscriber can tell from the
/// previous send_time whether it missed one. Redis and Garnet both allow PUBLISH in a script.
/// </remarks>
internal static class SendScript
{
    public const string Source = """
        local messages, sent = KEYS[1], KEYS[2]
        local sender, text, retention, live = ARGV[1], ARGV[2], ARGV[3], ARGV[4]

        local first = redis.call('GET', sent)
        if first then
          local stored = redis.call('ZRANGEBYSCORE', messages, first, first, 'LIMIT', 0, 1)[1]
          if stored then
            return { 0, stored }
          end
        end

        local clock = redis.call('TIME')
        local now = tonumber(clock[1]) * 1000000 + tonumber(clock[2])
        local previous = '0'
        local newest = redis.call('ZRANGE', messages, -1, -1)[1]
        if newest then
          previous = string.match(newest, '^(%d+):')
          local newestTime = tonumber(previous)
          if now <= newestTime then
            now = newestTime + 1
          end
        end

        local sendTime = string.format('%d', now)
        local member = sendTime .. ':' .. sender .. ':' .. text
        redis.call('SET', sent, sendTime, 'EX', retention)
        redis.call('ZADD', messages, sendTime, member)
        redis.call('PUBLISH', live, previous .. ':' .. member)
        return { 1, member }
        """;
}

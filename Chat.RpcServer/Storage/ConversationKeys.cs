using System.Buffers.Text;
using System.Text;
using Chat.Contract;
using StackExchange.Redis;

namespace Chat.RpcServer.Storage;

/// <summary>
/// The Redis keys of one conversation. Every key carries the same hash tag, so Redis Cluster keeps a conversation on
/// one shard and the send script may touch all of them. The tag is the base64url form of the canonical name: its
/// alphabet has no '{', '}', '*' or ':', so no character of a name can change which key or slot is meant.
/// </summary>
internal readonly struct ConversationKeys
{
    private readonly string _prefix;

    public ConversationKeys(ConversationName conversation)
    {
        var tag = Base64Url.EncodeToString(Encoding.UTF8.GetBytes(conversation.Canonical));
        _prefix = $"chat:{{{tag}}}:";
        Messages = _prefix + "messages";
        Live = RedisChannel.Literal(_prefix + "live");
    }

    /// <summary>A sorted set: one member per message, scored by its send_time.</summary>
    public RedisKey Messages { get; }

    /// <summary>The pub/sub channel on which the send script announces each new message. Plain (not sharded)
    /// pub/sub, which Garnet serves too; the hash tag in the name keeps it ready for sharded pub/sub on Redis
    /// Cluster.</summary>
    public RedisChannel Live { get; }

    /// <summary>A string holding the send_time of the message first stored under this idempotency key.
    /// The key's own characters come after the hash tag and a fixed prefix, so they cannot reach another key.</summary>
    public RedisKey SentWithKey(string idempotencyKey) => _prefix + "sent:" + idempotencyKey;
}

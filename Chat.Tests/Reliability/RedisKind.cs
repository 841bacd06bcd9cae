namespace Chat.Tests.Reliability;

/// <summary>The Redis-compatible servers the app host runs locally.</summary>
public enum RedisKind
{
    RedisServer,
    Garnet,
}

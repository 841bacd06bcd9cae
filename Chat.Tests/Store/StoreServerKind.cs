namespace Chat.Tests.Store;

/// <summary>The Redis-compatible servers the store must run on unchanged.</summary>
public enum StoreServerKind
{
    Redis,
    Garnet,
}

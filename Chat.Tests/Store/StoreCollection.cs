namespace Chat.Tests.Store;

/// <summary>The store tests share one set of servers; each test uses conversations of its own.</summary>
[CollectionDefinition(Name)]
public sealed class StoreCollection : ICollectionFixture<StoreServers>
{
    public const string Name = "Store servers";
}

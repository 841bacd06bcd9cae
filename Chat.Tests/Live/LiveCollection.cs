namespace Chat.Tests.Live;

/// <summary>The live tests share one set of replicas per store server; each test uses conversations of its own.
/// </summary>
[CollectionDefinition(Name)]
public sealed class LiveCollection : ICollectionFixture<LiveSystems>
{
    public const string Name = "Live replicas";
}

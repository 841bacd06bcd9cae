namespace Chat.Tests.Reliability;

/// <summary>
/// The fault and hostile-input tests start, signal and kill real processes and bound how long answers take, so they
/// run one at a time and apart from the tests that run in parallel.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ReliabilityCollection
{
    public const string Name = "Reliability";
}

using System.Reflection;

namespace Chat.Tests.Deployment;

/// <summary>Where the deployment files and the built projects of this checkout are.</summary>
internal static class RepositoryLayout
{
    public static string Root { get; } = FindRoot();

    public static string AspirateOutput => Path.Combine(Root, "aspirate-output");

    public static string Overlay => Path.Combine(Root, "deploy", "kubernetes");

    public static string CommittedManifest => Path.Combine(Root, "aspire-manifest.json");

    public static string AppHostProject => Path.Combine(Root, "Chat.AppHost", "Chat.AppHost.csproj");

    /// <summary>The configuration these tests were built in; the projects they run were built in it too.</summary>
    public static string Configuration { get; } =
        typeof(RepositoryLayout).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration
        ?? "Debug";

    public static string ProjectFile(string project) => Path.Combine(Root, project, $"{project}.csproj");

    private static string FindRoot()
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        for (; directory is not null; directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Chat.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Chat.sln above {AppContext.BaseDirectory}.");
    }
}

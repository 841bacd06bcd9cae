using System.Text.Json;

namespace Chat.Tests.Reliability;

/// <summary>Where the repository and the services' own build output are, seen from the running tests.</summary>
internal static class RepositoryLayout
{
    /// <summary>The folder that holds Chat.sln.</summary>
    public static string Root { get; } = FindRoot();

    /// <summary>Debug or Release: the configuration the tests were built in, which built the services too.</summary>
    public static string Configuration { get; } =
        new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar)).Parent!.Name;

    /// <summary>A service's folder of build output, which holds its dll and its own appsettings.json.</summary>
    public static string ServiceOutput(string project) =>
        Path.Combine(Root, project, "bin", Configuration, "net10.0");

    /// <summary>The version of the garnet-server tool that the repository's tool manifest pins.</summary>
    public static string GarnetVersion()
    {
        using var manifest = JsonDocument.Parse(File.ReadAllText(Path.Combine(Root, ".config", "dotnet-tools.json")));
        var tool = manifest.RootElement.GetProperty("tools").GetProperty("garnet-server");
        return tool.GetProperty("version").GetString()!;
    }

    private static string FindRoot()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null;
             directory = directory.Parent)
        {
            if (File.Exists(Path.Combine(directory.FullName, "Chat.sln")))
            {
                return directory.FullName;
            }
        }

        throw new InvalidOperationException($"No Chat.sln above {AppContext.BaseDirectory}.");
    }
}

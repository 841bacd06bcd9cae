using System.Text.Json.Nodes;

namespace Chat.Tests.Deployment;

/// <summary>
/// The manifest the app host publishes now, produced the documented way (`dotnet run --project Chat.AppHost --
/// --publisher manifest --output-path ...`), with project paths made relative to the repository root as in the
/// committed copy.
/// </summary>
internal static class AspireManifest
{
    private static readonly Lazy<Task<JsonObject>> Published = new(PublishAsync);

    public static Task<JsonObject> PublishedAsync() => Published.Value;

    public static JsonObject Committed() =>
        JsonNode.Parse(File.ReadAllText(RepositoryLayout.CommittedManifest))!.AsObject();

    public static IEnumerable<KeyValuePair<string, JsonObject>> Resources(JsonObject manifest) =>
        manifest["resources"]!.AsObject().Select(pair => KeyValuePair.Create(pair.Key, pair.Value!.AsObject()));

    private static async Task<JsonObject> PublishAsync()
    {
        var directory = Directory.CreateTempSubdirectory("chat-manifest-");
        try
        {
            var file = Path.Combine(directory.FullName, "aspire-manifest.json");
            await CommandLine.RunAsync("dotnet", [
                "run", "--project", RepositoryLayout.AppHostProject, "--no-build",
                "-c", RepositoryLayout.Configuration,
                "--", "--publisher", "manifest", "--output-path", file,
            ]);

            var manifest = JsonNode.Parse(await File.ReadAllTextAsync(file))!.AsObject();
            foreach (var (_, resource) in Resources(manifest))
            {
                if (resource["path"]?.GetValue<string>() is { } path)
                {
                    var absolute = Path.GetFullPath(path, directory.FullName);
                    resource["path"] = Path.GetRelativePath(RepositoryLayout.Root, absolute).Replace('\\', '/');
                }
            }

            return manifest;
        }
        finally
        {
            directory.Delete(recursive: true);
        }
    }
}

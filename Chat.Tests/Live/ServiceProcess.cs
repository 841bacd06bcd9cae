using System.Diagnostics;
using System.Text.RegularExpressions;
using Chat.Tests.Store;

namespace Chat.Tests.Live;

/// <summary>
/// One of the chat services run as a plain process, as a replica would run: its built assembly started with
/// "dotnet", its project folder as content root, listening on a free loopback port that it reports in its log.
/// </summary>
internal sealed partial class ServiceProcess : IAsyncDisposable
{
    private const int OutputLinesKept = 40;
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);

    private readonly Process _process;

    private ServiceProcess(Process process, Uri address)
    {
        _process = process;
        Address = address;
    }

    public Uri Address { get; }

    /// <summary>Starts <paramref name="project"/> (built in the configuration of the tests) with the given settings
    /// as environment variables, and waits until it listens.</summary>
    public static async Task<ServiceProcess> StartAsync(string project, IReadOnlyDictionary<string, string> settings)
    {
        var root = StoreServers.FindRepositoryRoot();
        var output = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var assembly = Path.Combine(root, project, "bin", output.Parent!.Name, output.Name, project + ".dll");
        var start = new ProcessStartInfo(StoreServers.Dotnet(), [assembly])
        {
            WorkingDirectory = Path.Combine(root, project),
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        start.Environment["ASPNETCORE_URLS"] = "http://127.0.0.1:0";
        start.Environment["Logging__LogLevel__Default"] = "Warning";
        start.Environment["Logging__LogLevel__Microsoft.Hosting.Lifetime"] = "Information";
        foreach (var (name, value) in settings)
        {
            start.Environment[name] = value;
        }

        var listening = new TaskCompletionSource<Uri>(TaskCreationOptions.RunContinuationsAsynchronously);
        var lines = new Queue<string>();
        var process = new Process { StartInfo = start, EnableRaisingEvents = true };
        DataReceivedEventHandler keep = (_, line) =>
        {
            if (line.Data is null)
            {
                return;
            }

            if (ListeningLine().Match(line.Data) is { Success: true } match)
            {
                listening.TrySetResult(new Uri(match.Groups[1].Value));
            }

            lock (lines)
            {
                lines.Enqueue(line.Data);
                if (lines.Count > OutputLinesKept)
                {
                    lines.Dequeue();
                }
            }
        };
        process.OutputDataReceived += keep;
        process.ErrorDataReceived += keep;
        process.Exited += (_, _) => listening.TrySetException(
            new InvalidOperationException($"{project} exited before it listened:\n{Tail(lines)}"));

        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var address = await listening.Task.WaitAsync(StartTimeout);
            return new ServiceProcess(process, address);
        }
        catch
        {
            await StopAsync(process);
            throw;
        }
    }

    public ValueTask DisposeAsync() => new(StopAsync(_process));

    private static async Task StopAsync(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        await process.WaitForExitAsync();
        process.Dispose();
    }

    private static string Tail(Queue<string> lines)
    {
        lock (lines)
        {
            return string.Join('\n', lines);
        }
    }

    [GeneratedRegex(@"Now listening on: (http://\S+)")]
    private static partial Regex ListeningLine();
}

using System.Collections.Concurrent;
using System.Diagnostics;

namespace Chat.Tests.Deployment.Rehearsal;

/// <summary>
/// A container's process, run as `ip netns exec POD COMMAND` with exactly the given environment and working directory
/// (`ip netns exec` replaces itself with the command, so the process id is the container's main process).
/// </summary>
public sealed class PodProcess : IDisposable
{
    private const int KeptLines = 200;

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();

    private PodProcess(Pod pod, Process process)
    {
        Pod = pod;
        _process = process;
    }

    public Pod Pod { get; }

    public bool HasExited => _process.HasExited;

    /// <summary>The last lines it printed, for failure messages.</summary>
    public string RecentOutput => $"--- {Pod.Name} output ---\n{string.Join('\n', _lines)}";

    public static PodProcess Start(
        Pod pod,
        IReadOnlyList<string> command,
        IReadOnlyDictionary<string, string> environment,
        string workingDirectory)
    {
        var startInfo = new ProcessStartInfo("ip")
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        foreach (var argument in new[] { "netns", "exec", pod.Namespace }.Concat(command))
        {
            startInfo.ArgumentList.Add(argument);
        }

        startInfo.Environment.Clear();
        foreach (var (name, value) in environment)
        {
            startInfo.Environment[name] = value;
        }

        var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"{pod.Name} did not start.");
        var started = new PodProcess(pod, process);
        process.OutputDataReceived += (_, line) => started.Keep(line.Data);
        process.ErrorDataReceived += (_, line) => started.Keep(line.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return started;
    }

    /// <summary>SIGTERM, as the kubelet stops a container, then waits for the process to end.</summary>
    public async Task StopAsync(TimeSpan grace)
    {
        LinuxCalls.Terminate(_process.Id);
        using var deadline = new CancellationTokenSource(grace);
        await _process.WaitForExitAsync(deadline.Token);
    }

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            _process.WaitForExit(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
    }

    private void Keep(string? line)
    {
        if (line is null)
        {
            return;
        }

        _lines.Enqueue(line);
        while (_lines.Count > KeptLines)
        {
            _lines.TryDequeue(out _);
        }
    }
}

using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace Chat.Tests.Reliability;

/// <summary>
/// A process a test starts, signals and always stops: its output is kept (the last lines) for the test's log, and
/// disposing it kills it if it still runs.
/// </summary>
internal sealed class ChildProcess : IAsyncDisposable
{
    private const int SigKill = 9;
    private const int SigTerm = 15;
    private const int KeptLines = 200;

    // The first error entries are kept whole, apart from the recent lines: under a fault a service logs warnings by
    // the hundred, and the error that explains a failed test is often the first one, long gone from the tail. Failed
    // health checks are left out: a fault test expects them, and they would crowd out the entry that matters.
    private const int KeptErrorEntries = 20;
    private const int KeptLinesPerErrorEntry = 40;
    private const string HealthCheckCategory = "Microsoft.Extensions.Diagnostics.HealthChecks";

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _lines = new();
    private readonly List<List<string>> _errorEntries = [];
    private List<string>? _openErrorEntry;

    private ChildProcess(string name, Process process)
    {
        Name = name;
        _process = process;
    }

    public string Name { get; }

    public int Id => _process.Id;

    public bool HasExited => _process.HasExited;

    public int ExitCode => _process.ExitCode;

    /// <summary>The last lines the process wrote, standard output and error interleaved.</summary>
    public string RecentOutput => string.Join('\n', _lines);

    /// <summary>The first error and critical entries of the process's console log, each with its exception.
    /// </summary>
    public string ErrorEntries
    {
        get
        {
            lock (_errorEntries)
            {
                return string.Join('\n', _errorEntries.SelectMany(entry => entry));
            }
        }
    }

    public static ChildProcess Start(
        string name, string fileName, IEnumerable<string> arguments, string workingDirectory,
        IReadOnlyDictionary<string, string> environment)
    {
        var startInfo = new ProcessStartInfo(fileName, arguments)
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
        };
        foreach (var (key, value) in environment)
        {
            startInfo.Environment[key] = value;
        }

        var child = new ChildProcess(name, new Process { StartInfo = startInfo });
        child._process.OutputDataReceived += (_, e) => child.Keep(e.Data);
        child._process.ErrorDataReceived += (_, e) => child.Keep(e.Data);
        child._process.Start();
        child._process.BeginOutputReadLine();
        child._process.BeginErrorReadLine();
        return child;
    }

    /// <summary>SIGTERM: the polite request to stop that orchestrators send first.</summary>
    public void Terminate() => Signal(SigTerm);

    /// <summary>SIGKILL: the process ends at once, with no chance to flush or clean up.</summary>
    public void Kill() => Signal(SigKill);

    public async Task<bool> WaitForExitAsync(TimeSpan timeout)
    {
        using var cancel = new CancellationTokenSource(timeout);
        try
        {
            await _process.WaitForExitAsync(cancel.Token);
            return true;
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await WaitForExitAsync(TimeSpan.FromSeconds(10));
        }

        _process.Dispose();
    }

    private void Signal(int signal)
    {
        if (!_process.HasExited && SendSignal(_process.Id, signal) != 0)
        {
            throw new InvalidOperationException($"Signal {signal} to {Name} ({_process.Id}) failed.");
        }
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

        KeepIfError(line);
    }

    /// <summary>The console logger writes an entry as "fail: Category[id]" followed by indented lines.</summary>
    private void KeepIfError(string line)
    {
        lock (_errorEntries)
        {
            if (!line.StartsWith(' '))
            {
                // A new entry, or plain output: whatever entry was open has ended.
                _openErrorEntry = null;
                var isError = line.StartsWith("fail: ", StringComparison.Ordinal)
                    || line.StartsWith("crit: ", StringComparison.Ordinal);
                if (isError && _errorEntries.Count < KeptErrorEntries
                    && !line.Contains(HealthCheckCategory, StringComparison.Ordinal))
                {
                    _openErrorEntry = [line];
                    _errorEntries.Add(_openErrorEntry);
                }
            }
            else if (_openErrorEntry is { Count: < KeptLinesPerErrorEntry })
            {
                _openErrorEntry.Add(line);
            }
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int SendSignal(int pid, int signal);
}

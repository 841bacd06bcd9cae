using System.Diagnostics;
using System.Text;

namespace Chat.Tests.Deployment;

/// <summary>Runs a program to completion and hands back what it printed; a failure carries that output.</summary>
internal static class CommandLine
{
    private static readonly TimeSpan DefaultTimeout = TimeSpan.FromMinutes(2);

    public static async Task<string> RunAsync(
        string program, IEnumerable<string> arguments, string? workingDirectory = null, TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var result = await TryRunAsync(program, arguments, workingDirectory, timeout, environment);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"`{result.CommandText}` exited with {result.ExitCode}:\n{result.Output}\n{result.Errors}");
        }

        return result.Output;
    }

    public static async Task<CommandResult> TryRunAsync(
        string program, IEnumerable<string> arguments, string? workingDirectory = null, TimeSpan? timeout = null,
        IReadOnlyDictionary<string, string>? environment = null)
    {
        var startInfo = new ProcessStartInfo(program)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? RepositoryLayout.Root,
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        if (environment is not null)
        {
            startInfo.Environment.Clear();
            foreach (var (name, value) in environment)
            {
                startInfo.Environment[name] = value;
            }
        }

        var commandText = $"{program} {string.Join(' ', startInfo.ArgumentList)}";
        using var process = Process.Start(startInfo)
            ?? throw new InvalidOperationException($"`{commandText}` did not start.");
        var output = process.StandardOutput.ReadToEndAsync();
        var errors = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout ?? DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"`{commandText}` did not finish within {timeout ?? DefaultTimeout}.");
        }

        return new CommandResult(commandText, process.ExitCode, await output, await errors);
    }

    /// <summary>Whether a program is on PATH.</summary>
    public static bool IsInstalled(string program) =>
        (Environment.GetEnvironmentVariable("PATH") ?? string.Empty)
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, program)));
}

internal sealed record CommandResult(string CommandText, int ExitCode, string Output, string Errors)
{
    public override string ToString() =>
        new StringBuilder().Append('`').Append(CommandText).Append("` exited with ").Append(ExitCode).Append(":\n")
            .Append(Output).Append('\n').Append(Errors).ToString();
}

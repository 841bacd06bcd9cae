using System.Diagnostics;

namespace Chat.AppHost.Redis;

/// <summary>Asks the container runtime Aspire would use whether its engine answers, as `docker info` does.</summary>
internal static class ContainerRuntimeProbe
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(10);

    public static (bool Available, string Reason) Probe(string runtime)
    {
        var startInfo = new ProcessStartInfo(runtime, ["info", "--format", "{{.ServerVersion}}"])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        try
        {
            using var process = Process.Start(startInfo)!;
            if (!process.WaitForExit(Timeout))
            {
                process.Kill(entireProcessTree: true);
                return (false, $"`{runtime} info` did not answer within {Timeout.TotalSeconds:0} s");
            }

            return process.ExitCode == 0
                ? (true, $"{runtime} engine {process.StandardOutput.ReadToEnd().Trim()} answers")
                : (false, $"`{runtime} info` failed: {FirstLine(process.StandardError.ReadToEnd())}");
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (false, $"{runtime} is not installed");
        }
    }

    private static string FirstLine(string text) =>
        text.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries).FirstOrDefault()
        ?? "no output";
}

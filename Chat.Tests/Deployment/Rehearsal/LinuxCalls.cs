using System.ComponentModel;
using System.Runtime.InteropServices;

namespace Chat.Tests.Deployment.Rehearsal;

/// <summary>The few libc calls the rehearsal needs that .NET does not wrap.</summary>
internal static class LinuxCalls
{
    private const int CloneNewNet = 0x40000000;
    private const int SignalTerminate = 15;

    public static bool IsRoot => geteuid() == 0;

    /// <summary>Moves the calling thread into the network namespace that <paramref name="path"/> names.</summary>
    public static void EnterNetworkNamespace(string path)
    {
        using var handle = File.OpenHandle(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite);
        if (setns((int)handle.DangerousGetHandle(), CloneNewNet) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"setns({path})");
        }
    }

    /// <summary>SIGTERM, the signal the kubelet sends when a pod stops.</summary>
    public static void Terminate(int processId)
    {
        if (kill(processId, SignalTerminate) != 0)
        {
            throw new Win32Exception(Marshal.GetLastPInvokeError(), $"kill({processId}, SIGTERM)");
        }
    }

    [DllImport("libc", SetLastError = true)]
    private static extern int setns(int fd, int nstype);

    [DllImport("libc", SetLastError = true)]
    private static extern int kill(int pid, int sig);

    [DllImport("libc")]
    private static extern uint geteuid();
}

using System.Runtime.InteropServices;

namespace Mq.Storage.Threading;

/// <summary>
/// Lowers the calling thread's scheduling priority, for background work that should take the cores the
/// appends, sends and replication leave over rather than a share of them. Linux only (setpriority with
/// who = 0 applies to the calling thread there); elsewhere nothing happens. A thread cannot raise it back
/// without privileges, so only threads of its own call this.
/// </summary>
internal static partial class BackgroundPriority
{
    private const int PrioProcess = 0;

    /// <summary>Sets the calling thread's nice value to <paramref name="nice"/> (10 weighs about a tenth of a normal thread).</summary>
    public static void LowerCurrentThread(int nice)
    {
        if (OperatingSystem.IsLinux())
        {
            _ = SetPriority(PrioProcess, 0, nice);
        }
    }

    [LibraryImport("libc", EntryPoint = "setpriority")]
    private static partial int SetPriority(int which, int who, int priority);
}

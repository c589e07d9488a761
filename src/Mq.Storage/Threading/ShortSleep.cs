using System.Runtime.InteropServices;

namespace Mq.Storage.Threading;

/// <summary>
/// A sleep of tens of microseconds: long enough to give the core away and let work build up, far shorter
/// than <see cref="Thread.Sleep(int)"/>'s one-millisecond floor.
/// </summary>
internal static partial class ShortSleep
{
    private const uint Microseconds = 20;

    /// <summary>usleep(20) on Linux, about 70 µs with the default timer slack; one millisecond elsewhere.</summary>
    public static void Pause()
    {
        if (OperatingSystem.IsLinux())
        {
            _ = USleep(Microseconds);
        }
        else
        {
            Thread.Sleep(1);
        }
    }

    [LibraryImport("libc", EntryPoint = "usleep")]
    private static partial int USleep(uint microseconds);
}

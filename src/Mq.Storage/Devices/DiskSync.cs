using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace Mq.Storage.Devices;

/// <summary>
/// fdatasync on Linux: RandomAccess.FlushToDisk issues fsync, which also commits the inode's mtime
/// (dirtied by every write through a mapping) and costs a journal commit per call — several times the
/// latency of fdatasync into pre-written blocks. Elsewhere it falls back to FlushToDisk.
/// </summary>
internal static partial class DiskSync
{
    private const int EINTR = 4;
    private const int MsSync = 4;
    private const int MadvDontNeed = 4;

    public static void DataSync(SafeFileHandle handle)
    {
        if (!OperatingSystem.IsLinux())
        {
            RandomAccess.FlushToDisk(handle);
            return;
        }
        while (FDataSync(handle) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR)
            {
                throw new IOException($"fdatasync failed with errno {errno}.", errno);
            }
        }
    }

    /// <summary>msync(MS_SYNC) of a page-aligned range of a shared file mapping (Linux only).</summary>
    public static unsafe void MemorySync(byte* address, nuint length)
    {
        while (MSync(address, length, MsSync) != 0)
        {
            int errno = Marshal.GetLastPInvokeError();
            if (errno != EINTR)
            {
                throw new IOException($"msync failed with errno {errno}.", errno);
            }
        }
    }

    /// <summary>
    /// madvise(MADV_DONTNEED) over whole pages of a shared file mapping (Linux only): drops this process's
    /// page-table entries, not the data (the pages stay in the page cache, dirty until written back). Best
    /// effort: a failure only means the flush that follows pays its usual per-page cost.
    /// </summary>
    public static unsafe void DropMappedPages(byte* address, nuint length)
    {
        _ = MAdvise(address, length, MadvDontNeed);
    }

    [LibraryImport("libc", EntryPoint = "madvise", SetLastError = true)]
    private static unsafe partial int MAdvise(byte* address, nuint length, int advice);

    [LibraryImport("libc", EntryPoint = "msync", SetLastError = true)]
    private static unsafe partial int MSync(byte* address, nuint length, int flags);

    [LibraryImport("libc", EntryPoint = "fdatasync", SetLastError = true)]
    private static partial int FDataSync(SafeFileHandle fd);
}

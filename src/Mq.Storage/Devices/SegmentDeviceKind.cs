namespace Mq.Storage.Devices;

/// <summary>Which built-in device the store uses for its files.</summary>
public enum SegmentDeviceKind
{
    /// <summary>
    /// Files mapped into memory: appends encode in place, reads are zero-copy leases, flush is fdatasync.
    /// The fastest kind; segment files are limited to 1 GiB.
    /// </summary>
    Mapped,

    /// <summary>Plain files through <c>RandomAccess</c> on a <c>SafeFileHandle</c> (one pwrite per append; reads copy).</summary>
    File,

    /// <summary>Process memory only (tests, ephemeral stores); contents survive reopening within one provider instance.</summary>
    Memory,
}

using Mq.Storage.Abstractions;

namespace Mq.Storage.Retention;

/// <summary>Disk usage from <see cref="DriveInfo"/> (RocketMQ <c>UtilAll.getDiskPartitionSpaceUsedPercent</c>).</summary>
public sealed class DriveSpaceProbe : IDiskSpaceProbe
{
    /// <inheritdoc />
    public double UsedRatio(string path)
    {
        var drive = new DriveInfo(Path.GetFullPath(path));
        long total = drive.TotalSize;
        return total <= 0 ? 0 : (double)(total - drive.AvailableFreeSpace) / total;
    }
}

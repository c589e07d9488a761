namespace Mq.Storage.Abstractions;

/// <summary>Reports disk usage of the store's folder; inject a fake to simulate a full disk.</summary>
public interface IDiskSpaceProbe
{
    /// <summary>Used fraction (0..1) of the volume holding <paramref name="path"/>.</summary>
    double UsedRatio(string path);
}

using Mq.Storage.Abstractions;

namespace Mq.TestKit;

/// <summary>A disk whose usage the test sets (simulated capacity for disk-full tests).</summary>
public sealed class SettableDiskSpaceProbe : IDiskSpaceProbe
{
    private double _ratio = 0.10;
    private int _checks;

    /// <summary>The used fraction every check reports. Default 0.10.</summary>
    public double Ratio { get => Volatile.Read(ref _ratio); set => Volatile.Write(ref _ratio, value); }

    /// <summary>How many times the store checked.</summary>
    public int Checks => Volatile.Read(ref _checks);

    /// <inheritdoc />
    public double UsedRatio(string path)
    {
        Interlocked.Increment(ref _checks);
        return Ratio;
    }
}

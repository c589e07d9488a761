namespace Mq.Transport;

/// <summary>
/// A few reusable objects kept in a fixed array of slots, taken and returned with one interlocked exchange
/// each: cheaper than a concurrent bag for the handful a connection reuses, and it never grows.
/// </summary>
internal static class SpareSlots
{
    /// <summary>A spare from <paramref name="slots"/>, or null when all are taken.</summary>
    public static T? TryTake<T>(T?[] slots)
        where T : class
    {
        for (int i = 0; i < slots.Length; i++)
        {
            if (Interlocked.Exchange(ref slots[i], null) is { } spare)
            {
                return spare;
            }
        }
        return null;
    }

    /// <summary>Keeps <paramref name="item"/> in the first free slot; dropped when every slot is full.</summary>
    public static void Return<T>(T?[] slots, T item)
        where T : class
    {
        for (int i = 0; i < slots.Length && Interlocked.CompareExchange(ref slots[i], item, null) is not null; i++)
        {
        }
    }
}

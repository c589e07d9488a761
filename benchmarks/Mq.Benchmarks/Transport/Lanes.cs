namespace Mq.Benchmarks.Transport;

/// <summary>Runs a fixed number of operations as <c>depth</c> concurrent lanes (requests in flight).</summary>
internal static class Lanes
{
    /// <summary>Starts <paramref name="depth"/> lanes of <c>total / depth</c> operations each and awaits them all.</summary>
    public static Task Run<TState>(TState state, int depth, int total, Func<TState, int, Task> lane)
    {
        var lanes = new Task[depth];
        int perLane = total / depth;
        for (int i = 0; i < lanes.Length; i++)
        {
            lanes[i] = lane(state, perLane);
        }
        return Task.WhenAll(lanes);
    }
}

namespace Mq.TestKit;

/// <summary>Waits on a condition with a generous deadline instead of sleeping a guessed time (machines are noisy).</summary>
public static class Eventually
{
    /// <summary>Polls <paramref name="condition"/> every 50 ms until it holds; fails the wait after <paramref name="timeout"/> (default 60 s).</summary>
    public static async Task HoldsAsync(Func<Task<bool>> condition, TimeSpan? timeout = null)
    {
        using var deadline = new CancellationTokenSource(timeout ?? TimeSpan.FromSeconds(60));
        while (!await condition().ConfigureAwait(false))
        {
            await Task.Delay(50, deadline.Token).ConfigureAwait(false);
        }
    }
}

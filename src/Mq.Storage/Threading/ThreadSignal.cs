namespace Mq.Storage.Threading;

/// <summary>
/// An auto-reset signal for a service loop that owns a thread (the flusher): <see cref="Set"/> is one
/// volatile read when already signalled, which is what the append path pays; <see cref="Wait"/> blocks.
/// Never disposed: an append may still set it while the store closes, and without a wait handle the
/// event holds nothing to release.
/// </summary>
internal sealed class ThreadSignal
{
    private readonly ManualResetEventSlim _event = new(initialState: false, spinCount: 10);

    public void Set()
    {
        if (!_event.IsSet)
        {
            _event.Set();
        }
    }

    /// <summary>
    /// Returns once <see cref="Set"/> was called since the last wait. A set that lands between the wake-up
    /// and the reset is absorbed, which is safe because callers publish their state before setting and the
    /// loop reads it after this returns.
    /// </summary>
    public void Wait()
    {
        _event.Wait();
        _event.Reset();
    }
}

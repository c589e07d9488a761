using Mq.Storage.Threading;

namespace Mq.Tests;

public sealed class ServiceThreadTests
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    [Test]
    public async Task A_failing_run_is_reported_and_the_next_wake_up_runs_again()
    {
        int runs = 0;
        var errors = new List<Exception>();
        var secondRun = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var firstFailed = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var service = new ServiceThread("test", () =>
        {
            if (Interlocked.Increment(ref runs) == 1)
            {
                throw new InvalidOperationException("first run fails");
            }
            secondRun.TrySetResult();
        }, ex =>
        {
            lock (errors)
            {
                errors.Add(ex);
            }
            firstFailed.TrySetResult();
        });

        service.Wake();
        await firstFailed.Task.WaitAsync(Timeout);
        service.Wake();
        await secondRun.Task.WaitAsync(Timeout);
        await service.StopAsync().WaitAsync(Timeout);

        Assert.That(errors, Has.Count.EqualTo(1));
        Assert.That(errors[0], Is.TypeOf<InvalidOperationException>());
        Assert.That(Volatile.Read(ref runs), Is.EqualTo(2), "nothing runs after the stop");
    }
}

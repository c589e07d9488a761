using Mq.Storage;

namespace Mq.Tests;

public sealed class StoreOptionsTests
{
    [Test]
    public void DefaultsFollowRocketMq()
    {
        var options = new StoreOptions();
        Assert.Multiple(() =>
        {
            Assert.That(options.MappedFileSizeCommitLog, Is.EqualTo(1024 * 1024 * 1024));
            Assert.That(options.MappedFileSizeConsumeQueue, Is.EqualTo(6_000_000));
            Assert.That(options.FlushIntervalCommitLog, Is.EqualTo(TimeSpan.FromMilliseconds(500)));
            Assert.That(options.FlushCommitLogLeastPages, Is.EqualTo(4));
            Assert.That(options.FlushCommitLogTimed, Is.True, "deliberate deviation: interval-only async flush");
            Assert.That(options.SyncFlushTimeout, Is.EqualTo(TimeSpan.FromSeconds(5)));
            Assert.That(options.FileReservedTime, Is.EqualTo(72));
            Assert.That(options.DeleteWhen, Is.EqualTo("04"));
            Assert.That(options.DiskMaxUsedSpaceRatio, Is.EqualTo(75));
            Assert.That(options.DiskSpaceCleanForciblyRatio, Is.EqualTo(0.85));
            Assert.That(options.DiskSpaceWarningLevelRatio, Is.EqualTo(0.90));
        });
    }

    [TestCase(nameof(StoreOptions.StorePathRootDir))]
    [TestCase(nameof(StoreOptions.MappedFileSizeCommitLog))]
    [TestCase(nameof(StoreOptions.MappedFileSizeConsumeQueue))]
    [TestCase(nameof(StoreOptions.DeleteWhen))]
    [TestCase(nameof(StoreOptions.MessageDelayLevel))]
    public void RejectsBadValuesNamingTheOption(string name)
    {
        var options = new StoreOptions { StorePathRootDir = "/tmp/x" };
        switch (name)
        {
            case nameof(StoreOptions.StorePathRootDir): options.StorePathRootDir = ""; break;
            case nameof(StoreOptions.MappedFileSizeCommitLog): options.MappedFileSizeCommitLog = 1000; break;
            case nameof(StoreOptions.MappedFileSizeConsumeQueue): options.MappedFileSizeConsumeQueue = 30; break;
            case nameof(StoreOptions.DeleteWhen): options.DeleteWhen = "25"; break;
            case nameof(StoreOptions.MessageDelayLevel): options.MessageDelayLevel = "1x"; break;
        }
        var error = Assert.Throws<ArgumentException>(options.Validate);
        Assert.That(error!.ParamName, Is.EqualTo(name));
    }
}

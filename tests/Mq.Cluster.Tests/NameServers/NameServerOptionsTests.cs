using Microsoft.Extensions.Options;
using Mq.NameServers;

namespace Mq.Tests.NameServers;

public sealed class NameServerOptionsTests
{
    [Test]
    public void DefaultsAreRocketMqsAndValid()
    {
        var o = new NameServerOptions();
        Assert.Multiple(() =>
        {
            Assert.That(o.ListenPort, Is.EqualTo(9876));
            Assert.That(o.BrokerExpiry, Is.EqualTo(TimeSpan.FromSeconds(120)));
            Assert.That(o.ScanInterval, Is.EqualTo(TimeSpan.FromSeconds(10)));
            Assert.That(o.OrderMessageEnable, Is.False);
        });
        Assert.DoesNotThrow(o.Validate);
    }

    [Test]
    public void InvalidSettingsAreAllReported()
    {
        var o = new NameServerOptions
        {
            ListenPort = 70000,
            ListenAddress = "not-an-ip",
            BrokerExpiry = TimeSpan.Zero,
            ScanInterval = TimeSpan.FromSeconds(-1),
            KvConfigPath = " ",
        };
        var e = Assert.Throws<OptionsValidationException>(o.Validate);
        Assert.That(e!.Failures.Count(), Is.EqualTo(5));
    }

    [Test]
    public void ScanIntervalMayNotExceedTheExpiry()
    {
        var o = new NameServerOptions { BrokerExpiry = TimeSpan.FromSeconds(5), ScanInterval = TimeSpan.FromSeconds(10) };
        Assert.Throws<OptionsValidationException>(o.Validate);
    }

    [Test]
    public void ValidatorReportsTheSameFailures()
    {
        var validator = new NameServerOptionsValidator();
        Assert.That(validator.Validate(null, new NameServerOptions()).Succeeded, Is.True);
        ValidateOptionsResult bad = validator.Validate(null, new NameServerOptions { ListenPort = -1 });
        Assert.That(bad.Failed, Is.True);
        Assert.That(bad.Failures!.Single(), Does.Contain("ListenPort"));
    }
}

using Mq.Broker;
using Mq.Protocol;
using Mq.Protocol.Body;
using Mq.TestKit;
using Mq.TestKit.Broker;

namespace Mq.Tests.Broker;

[Category("Integration")]
public sealed class BrokerStartTests
{
    [Test]
    public async Task Starts_on_two_ports_and_serves_topic_config()
    {
        using var directory = new TempDirectory();
        await using Mq.Broker.Broker broker = await BrokerHarness.StartAsync(directory.Path);
        Assert.That(broker.VipEndPoint, Is.Not.Null);
        Assert.That(broker.Address, Is.EqualTo("127.0.0.1:" + broker.EndPoint.Port));
        Assert.That(broker.VipEndPoint!.Port, Is.Not.EqualTo(broker.EndPoint.Port));

        foreach (string address in new[] { broker.Address, broker.VipAddress! })
        {
            await using var client = new BrokerTestClient(address);
            using RemotingCommand response = await client.InvokeAsync(RequestCode.GetAllTopicConfig);
            Assert.That(response.Code, Is.EqualTo(ResponseCode.Success));
            var topics = TopicConfigSerializeWrapper.Decode(response.Body.Span);
            Assert.That(topics.TopicConfigTable["TBW102"].Perm, Is.EqualTo(7));
            Assert.That(topics.TopicConfigTable["TBW102"].WriteQueueNums, Is.EqualTo(8));
            Assert.That(topics.TopicConfigTable["SCHEDULE_TOPIC_XXXX"].ReadQueueNums, Is.EqualTo(18));
            Assert.That(topics.TopicConfigTable.Keys, Does.Contain("SELF_TEST_TOPIC").And.Contain("OFFSET_MOVED_EVENT").And.Contain("DefaultCluster").And.Contain("broker-a"));
        }
    }

    [Test]
    public async Task Several_brokers_run_in_one_process()
    {
        using var a = new TempDirectory();
        using var b = new TempDirectory();
        await using Mq.Broker.Broker first = await BrokerHarness.StartAsync(a.Path);
        await using Mq.Broker.Broker second = await BrokerHarness.StartAsync(b.Path, o => o.BrokerName = "broker-b");
        Assert.That(first.Address, Is.Not.EqualTo(second.Address));
    }

    [Test]
    public void Invalid_options_are_refused_with_every_problem_listed()
    {
        var options = new BrokerOptions { BrokerName = "bad name", ListenPort = 70000, DefaultTopicQueueNums = 0, NamesrvAddr = ["nohostport"] };
        var ex = Assert.Throws<Microsoft.Extensions.Options.OptionsValidationException>(options.Validate);
        Assert.That(ex!.Failures.Count(), Is.GreaterThanOrEqualTo(5));
    }

    [Test]
    public void NamesrvAddr_accepts_semicolon_lists()
    {
        var options = new BrokerOptions { NamesrvAddr = ["127.0.0.1:9876;127.0.0.1:9877", "127.0.0.1:9876"] };
        Assert.That(options.NameServerAddresses(), Is.EqualTo(new[] { "127.0.0.1:9876", "127.0.0.1:9877" }));
    }
}

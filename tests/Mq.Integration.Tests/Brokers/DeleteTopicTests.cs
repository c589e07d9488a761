using Mq.Brokers;
using Mq.Protocol;
using Mq.Protocol.Headers;
using Mq.TestKit;
using Mq.TestKit.Brokers;

namespace Mq.Tests.Brokers;

/// <summary>DELETE_TOPIC_IN_BROKER removes the topic's config, offsets and consume-queue files, as 4.9's cleanUnusedTopic.</summary>
[Category("Integration")]
public sealed class DeleteTopicTests
{
    [Test]
    public async Task Deleting_a_topic_removes_its_consume_queues_and_a_recreated_topic_starts_at_offset_0()
    {
        using var directory = new TempDirectory();
        await using Broker broker = await BrokerHarness.StartAsync(directory.Path, o => o.AutoCreateTopicEnable = false);
        await using var client = new BrokerTestClient(broker.Address);
        await CreateAsync(client, "Doomed");
        await CreateAsync(client, "Kept");
        for (int i = 0; i < 3; i++)
        {
            using RemotingCommand sent = await client.SendAsync("Doomed", [(byte)i]);
            Assert.That(sent.Code, Is.EqualTo(ResponseCode.Success));
        }
        using (RemotingCommand kept = await client.SendAsync("Kept", [9]))
        {
            Assert.That(kept.Code, Is.EqualTo(ResponseCode.Success));
        }
        await broker.Store.WaitForDispatchAsync(broker.Store.CommitLogMaxOffset);
        string doomedQueues = Path.Combine(broker.Options.StorePathRootDir, "consumequeue", "Doomed");
        Assert.That(Directory.Exists(doomedQueues), Is.True, "dispatch created the consume queue");

        using (RemotingCommand deleted = await client.InvokeAsync(RequestCode.DeleteTopicInBroker, new Dictionary<string, string?> { ["topic"] = "Doomed" }))
        {
            Assert.That(deleted.Code, Is.EqualTo(ResponseCode.Success), deleted.Remark);
        }

        Assert.That(Directory.Exists(doomedQueues), Is.False, "consume-queue files removed");
        Assert.That(broker.Topics.Find("Doomed"), Is.Null);
        Assert.That(broker.Store.GetMaxOffsetInQueue("Doomed", 0), Is.EqualTo(0));
        Assert.That(broker.Store.GetMaxOffsetInQueue("Kept", 0), Is.EqualTo(1), "other topics untouched");

        await CreateAsync(client, "Doomed");
        using RemotingCommand again = await client.SendAsync("Doomed", [7]);
        Assert.That(again.Code, Is.EqualTo(ResponseCode.Success));
        Assert.That(again.ExtFields["queueOffset"], Is.EqualTo("0"), "a recreated topic numbers its queue from 0");
        await broker.Store.WaitForDispatchAsync(broker.Store.CommitLogMaxOffset);
        using RemotingCommand pull = await client.PullAsync("G", "Doomed", 0, 0);
        Assert.That(BrokerTestClient.DecodeAll(pull.Body.Span).Select(m => m.Body[0]), Is.EqualTo(new byte[] { 7 }), "only the new message is visible");
    }

    private static async Task CreateAsync(BrokerTestClient client, string topic)
    {
        var create = new CreateTopicRequestHeader { Topic = topic, DefaultTopic = "TBW102", ReadQueueNums = 1, WriteQueueNums = 1, Perm = 6, TopicFilterType = "SINGLE_TAG" };
        using RemotingCommand created = await client.InvokeAsync(RequestCode.UpdateAndCreateTopic, create);
        Assert.That(created.Code, Is.EqualTo(ResponseCode.Success), created.Remark);
    }
}

using System.Buffers.Binary;
using System.Net;
using System.Net.Sockets;
using Mq.Storage;
using Mq.Storage.Devices;
using Mq.Storage.Ha;

namespace Mq.Tests.Ha;

/// <summary>Shared helpers for HA tests: stores in each role, options with short intervals, condition waits.</summary>
internal static class HaTestKit
{
    public static readonly TimeSpan Generous = TimeSpan.FromSeconds(30);

    public static StoreHarness Master() => new(SegmentDeviceKind.Mapped, o => o.BrokerRole = BrokerRole.AsyncMaster);

    public static StoreHarness Slave() => new(SegmentDeviceKind.Mapped, o => o.BrokerRole = BrokerRole.Slave);

    public static HaOptions Options(Action<HaOptions>? configure = null)
    {
        var options = new HaOptions
        {
            ListenAddress = "127.0.0.1",
            ListenPort = 0,
            ReconnectDelay = TimeSpan.FromMilliseconds(50),
            ReconnectDelayMax = TimeSpan.FromMilliseconds(200),
        };
        configure?.Invoke(options);
        return options;
    }

    public static string Address(HaServer server) => $"127.0.0.1:{server.LocalEndPoint.Port}";

    /// <summary>Appends <paramref name="count"/> messages (bodies of seeded-random length) over 4 queues.</summary>
    public static void Write(MessageStore store, int count, int seed, string topic = "HaTopic")
    {
        var random = new Random(seed);
        for (int i = 0; i < count; i++)
        {
            string body = $"m{seed}-{i}-" + new string((char)('a' + (i % 26)), random.Next(50, 700));
            var result = store.Append(StoreHarness.Message(topic, i % 4, body, tags: "T" + (i % 3), keys: "k" + i));
            Assert.That(result.Status, Is.EqualTo(PutMessageStatus.PutOk));
        }
    }

    public static async Task WaitUntil(Func<bool> condition, string what)
    {
        var deadline = DateTime.UtcNow + Generous;
        while (!condition())
        {
            if (DateTime.UtcNow > deadline)
            {
                Assert.Fail($"Timed out waiting until {what}.");
            }
            await Task.Delay(10).ConfigureAwait(false);
        }
    }

    public static byte[] CommitLogBytes(MessageStore store)
    {
        long min = store.CommitLogMinOffset;
        long max = store.CommitLogMaxOffset;
        var bytes = new byte[max - min];
        long at = min;
        while (at < max)
        {
            int n = store.ReadCommitted(at, bytes.AsSpan((int)(at - min)));
            Assert.That(n, Is.GreaterThan(0), $"no committed bytes at {at}");
            at += n;
        }
        return bytes;
    }

    /// <summary>Asserts both stores hold identical logs and the slave's consume queues serve the same records.</summary>
    public static async Task AssertReplicated(MessageStore master, MessageStore slave, string topic = "HaTopic")
    {
        Assert.That(slave.CommitLogMaxOffset, Is.EqualTo(master.CommitLogMaxOffset));
        Assert.That(CommitLogBytes(slave), Is.EqualTo(CommitLogBytes(master)));
        await slave.WaitForDispatchAsync(slave.CommitLogMaxOffset).AsTask().WaitAsync(Generous);
        await master.WaitForDispatchAsync(master.CommitLogMaxOffset).AsTask().WaitAsync(Generous);
        for (int queue = 0; queue < 4; queue++)
        {
            Assert.That(slave.GetMaxOffsetInQueue(topic, queue), Is.EqualTo(master.GetMaxOffsetInQueue(topic, queue)));
            long offset = master.GetMinOffsetInQueue(topic, queue);
            long end = master.GetMaxOffsetInQueue(topic, queue);
            while (offset < end)
            {
                using var fromMaster = master.GetMessages(topic, queue, offset, 32, 1 << 20);
                using var fromSlave = slave.GetMessages(topic, queue, offset, 32, 1 << 20);
                Assert.That(fromSlave.Status, Is.EqualTo(fromMaster.Status));
                Assert.That(fromSlave.MessageCount, Is.EqualTo(fromMaster.MessageCount));
                Assert.That(fromMaster.MessageCount, Is.GreaterThan(0));
                for (int i = 0; i < fromMaster.MessageCount; i++)
                {
                    Assert.That(fromSlave.Messages[i].ToArray(), Is.EqualTo(fromMaster.Messages[i].ToArray()));
                }
                offset = fromMaster.NextBeginOffset;
            }
        }
    }

    /// <summary>A raw TCP peer speaking the HA wire format, for driving one side by hand.</summary>
    public static async Task<Socket> ConnectRaw(IPEndPoint endPoint)
    {
        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp);
        await socket.ConnectAsync(endPoint);
        return socket;
    }

    public static async Task SendReport(Socket socket, long offset)
    {
        var buffer = new byte[8];
        BinaryPrimitives.WriteInt64BigEndian(buffer, offset);
        await socket.SendAsync(buffer);
    }

    public static async Task<byte[]> ReceiveExactly(Socket socket, int count)
    {
        var buffer = new byte[count];
        int at = 0;
        while (at < count)
        {
            int n = await socket.ReceiveAsync(buffer.AsMemory(at)).AsTask().WaitAsync(Generous);
            if (n == 0)
            {
                throw new IOException("peer closed");
            }
            at += n;
        }
        return buffer;
    }
}

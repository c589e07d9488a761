using System.Security.Cryptography;
using System.Text;
using Mq.Protocol.Body;

namespace Mq.Client;

/// <summary>The allocation strategies of <see cref="AllocateStrategy"/>, as pure functions over sorted inputs.</summary>
internal static class QueueAllocator
{
    /// <summary>Virtual nodes per consumer on the consistent-hash ring (Java default).</summary>
    public const int VirtualNodeCount = 10;

    public static List<MessageQueue> Allocate(AllocateStrategy strategy, string currentClientId, IReadOnlyList<MessageQueue> queues, IReadOnlyList<string> clientIds) => strategy switch
    {
        AllocateStrategy.AveragelyByCircle => AveragelyByCircle(currentClientId, queues, clientIds),
        AllocateStrategy.ConsistentHash => ConsistentHash(currentClientId, queues, clientIds),
        _ => Averagely(currentClientId, queues, clientIds),
    };

    // RocketMQ AllocateMessageQueueAveragely.
    public static List<MessageQueue> Averagely(string currentClientId, IReadOnlyList<MessageQueue> queues, IReadOnlyList<string> clientIds)
    {
        var result = new List<MessageQueue>();
        int index = IndexOf(clientIds, currentClientId);
        if (index < 0 || queues.Count == 0)
        {
            return result;
        }
        int mqCount = queues.Count;
        int cidCount = clientIds.Count;
        int mod = mqCount % cidCount;
        int averageSize = mqCount <= cidCount ? 1 : (mod > 0 && index < mod ? mqCount / cidCount + 1 : mqCount / cidCount);
        int startIndex = mod > 0 && index < mod ? index * averageSize : index * averageSize + mod;
        int range = Math.Min(averageSize, mqCount - startIndex);
        for (int i = 0; i < range; i++)
        {
            result.Add(queues[(startIndex + i) % mqCount]);
        }
        return result;
    }

    // RocketMQ AllocateMessageQueueAveragelyByCircle.
    public static List<MessageQueue> AveragelyByCircle(string currentClientId, IReadOnlyList<MessageQueue> queues, IReadOnlyList<string> clientIds)
    {
        var result = new List<MessageQueue>();
        int index = IndexOf(clientIds, currentClientId);
        if (index < 0)
        {
            return result;
        }
        for (int i = index; i < queues.Count; i += clientIds.Count)
        {
            result.Add(queues[i]);
        }
        return result;
    }

    // RocketMQ AllocateMessageQueueConsistentHash over ConsistentHashRouter: a ring of MD5 hashes (first four
    // digest bytes, big-endian, unsigned) of "clientId-i"; each queue goes to the first node at or after the
    // hash of MessageQueue.toString(), wrapping around. (Java hashes String.getBytes() in the platform charset;
    // UTF-8 here, identical for the ASCII client ids and topic names RocketMQ allows.)
    public static List<MessageQueue> ConsistentHash(string currentClientId, IReadOnlyList<MessageQueue> queues, IReadOnlyList<string> clientIds)
    {
        var result = new List<MessageQueue>();
        if (IndexOf(clientIds, currentClientId) < 0)
        {
            return result;
        }
        var ring = new SortedList<long, string>();
        foreach (string clientId in clientIds)
        {
            // ConsistentHashRouter.addNode numbers a node's virtual nodes after those already on the ring, so a
            // client id listed twice gets 20; a later node whose hash collides replaces the earlier (TreeMap.put).
            int existing = 0;
            foreach (string owner in ring.Values)
            {
                existing += string.Equals(owner, clientId, StringComparison.Ordinal) ? 1 : 0;
            }
            for (int i = 0; i < VirtualNodeCount; i++)
            {
                ring[Md5Hash(clientId + "-" + (i + existing).ToString(System.Globalization.CultureInfo.InvariantCulture))] = clientId;
            }
        }
        foreach (MessageQueue queue in queues)
        {
            long hash = Md5Hash(JavaQueueString(queue));
            string owner = ring.Values[FirstAtOrAfter(ring.Keys, hash)];
            if (string.Equals(owner, currentClientId, StringComparison.Ordinal))
            {
                result.Add(queue);
            }
        }
        return result;
    }

    /// <summary>Java <c>MessageQueue.toString()</c>, the key hashed for the ring.</summary>
    public static string JavaQueueString(MessageQueue queue) =>
        "MessageQueue [topic=" + queue.Topic + ", brokerName=" + queue.BrokerName + ", queueId=" + queue.QueueId.ToString(System.Globalization.CultureInfo.InvariantCulture) + "]";

    public static long Md5Hash(string key)
    {
        Span<byte> digest = stackalloc byte[16];
        MD5.HashData(Encoding.UTF8.GetBytes(key), digest);
        return ((long)digest[0] << 24) | ((long)digest[1] << 16) | ((long)digest[2] << 8) | digest[3];
    }

    private static int FirstAtOrAfter(IList<long> keys, long hash)
    {
        int lo = 0;
        int hi = keys.Count;
        while (lo < hi)
        {
            int mid = (lo + hi) >>> 1;
            if (keys[mid] < hash)
            {
                lo = mid + 1;
            }
            else
            {
                hi = mid;
            }
        }
        return lo == keys.Count ? 0 : lo;
    }

    private static int IndexOf(IReadOnlyList<string> clientIds, string clientId)
    {
        for (int i = 0; i < clientIds.Count; i++)
        {
            if (string.Equals(clientIds[i], clientId, StringComparison.Ordinal))
            {
                return i;
            }
        }
        return -1;
    }
}

namespace Mq.Storage.Abstractions;

/// <summary>Key lookups (QUERY_MESSAGE).</summary>
public interface IMessageIndex
{
    /// <summary>
    /// Messages of <paramref name="topic"/> indexed under <paramref name="key"/> (a KEYS token or UNIQ_KEY)
    /// stored within [<paramref name="begin"/>, <paramref name="end"/>] ms, newest first, at most
    /// <paramref name="maxCount"/>. Hash collisions are possible, as in RocketMQ: callers compare keys.
    /// </summary>
    QueryMessageResult QueryMessages(string topic, string key, int maxCount, long begin, long end);
}

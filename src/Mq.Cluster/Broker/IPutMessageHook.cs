using Mq.Messages;

namespace Mq.Broker;

/// <summary>
/// Rewrites a message just before it is appended (the seam RocketMQ 4.9 fills inside <c>CommitLog.putMessage</c>
/// and <c>SendMessageProcessor</c>): delay levels park a message in SCHEDULE_TOPIC_XXXX, transactional half
/// messages go to RMQ_SYS_TRANS_HALF_TOPIC. Registered with <see cref="Broker.AddPutHook"/>; called on the
/// send path, so it must not block or allocate for messages it does not change.
/// </summary>
internal interface IPutMessageHook
{
    /// <summary>
    /// Inspects and may change <paramref name="message"/> (topic, queue, properties, sysFlag). Return a
    /// response code other than 0 to refuse the message (e.g. NO_PERMISSION for transactions when disabled),
    /// with <paramref name="remark"/> set.
    /// </summary>
    int BeforePut(MessageToStore message, out string? remark);
}

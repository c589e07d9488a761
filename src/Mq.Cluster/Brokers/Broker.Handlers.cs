using Mq.Brokers.Processors;

namespace Mq.Brokers;

public sealed partial class Broker
{
    /// <summary>
    /// The one place request families are wired to the server (RocketMQ <c>registerProcessor</c>). A new
    /// family adds one line here; the processor lists its own codes in <see cref="IBrokerProcessor.Register"/>.
    /// </summary>
    private void RegisterProcessors()
    {
        Register(new SendMessageProcessor(this));
        Register(new PullMessageProcessor(this));
        Register(new QueryMessageProcessor(this));
        Register(new ClientManageProcessor(this));
        Register(new ConsumerManageProcessor(this));
        Register(new AdminBrokerProcessor(this));
        Register(new Locks.QueueLockProcessor(this));
        Register(new Retry.SendMessageBackProcessor(this));
        Register(new Schedule.DelayOffsetProcessor(this));
        Register(new Transaction.EndTransactionProcessor(this));
        Register(new Acl.AclAdminProcessor(this));
    }

    /// <summary>Registers a processor's codes; also the hook other request families (retry, transactions, locks) use.</summary>
    internal void Register(IBrokerProcessor processor) => processor.Register(Server);
}

namespace Mq.Client;

/// <summary>
/// Handles messages for a push consumer, called in parallel (up to <see cref="ConsumerOptions.ConsumeParallelism"/>).
/// A thrown exception counts as <see cref="ConsumeResult.ReconsumeLater"/>.
/// </summary>
public interface IMessageHandler
{
    /// <summary>Handles one message; <paramref name="cancellationToken"/> fires when the consumer stops hard.</summary>
    ValueTask<ConsumeResult> HandleAsync(ReceivedMessage message, ConsumeContext context, CancellationToken cancellationToken);
}

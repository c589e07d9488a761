using Mq.Messages;

namespace Mq.Client;

/// <summary>
/// The outcome of one PULL_MESSAGE (RocketMQ <c>PullResult</c>); <see cref="Messages"/> is set for FOUND only, in queue
/// order and not yet filtered by tag.
/// </summary>
internal sealed record PullResult(int Code, long NextBeginOffset, long MinOffset, long MaxOffset, long SuggestWhichBrokerId, List<ReceivedMessage>? Messages);
